using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Common;
using Plexura.Core.Compliance.EmergencyReview;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>A break-glass declaration.</summary>
/// <param name="Reason">Why the member needs to view the client now (required; stored encrypted).</param>
public sealed record DeclareEmergencyAccessRequest(string? Reason);

/// <summary>An acknowledgement of one emergency access.</summary>
/// <param name="Note">An optional note (stored encrypted).</param>
public sealed record AcknowledgeEmergencyAccessRequest(string? Note);

/// <summary>Break-glass emergency access: declaring it on a client, and the owners' and compliance staff's review.</summary>
/// <remarks>
/// The client id is in the path, never a name; the reason travels in the body only. Declaring is gated to clinical
/// roles (<see cref="Policies.ClientRecords"/>) and review to <see cref="Policies.AuditReaders"/>; Core then decides
/// (designated clinicians only; owners and compliance staff review) and audits every refusal. Another practice's
/// client or access is "not found" (404).
/// </remarks>
public static class EmergencyAccessEndpoints
{
    /// <summary>The largest request body: a reason or note of at most 1,000 characters.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    /// <summary>Maps <c>/api/v1/clients/{id}/emergency-access</c> and <c>/api/v1/compliance/emergency-accesses</c>.</summary>
    public static IEndpointRouteBuilder MapEmergencyAccessEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/v1")
            .WithTags("Emergency access")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/clients/{id:guid}/emergency-access", DeclareAsync)
            .RequireAuthorization(Policies.ClientRecords)
            .WithName("DeclareEmergencyAccess")
            .WithSummary("Declares a break-glass emergency: time-limited view access to a client the designated clinician cannot otherwise see.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/compliance/emergency-accesses", ListAsync)
            .RequireAuthorization(Policies.AuditReaders)
            .WithName("ListEmergencyAccesses")
            .WithSummary("Lists the practice's emergency accesses with their reasons, newest first (owners and compliance staff).");
        group.MapPost("/compliance/emergency-accesses/{id:guid}/acknowledge", AcknowledgeAsync)
            .RequireAuthorization(Policies.AuditReaders)
            .WithName("AcknowledgeEmergencyAccess")
            .WithSummary("Acknowledges one emergency access after review, with an optional note; once.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return api;
    }

    internal static async Task<Ok<DeclaredEmergencyAccess>> DeclareAsync(
        ClientId id, DeclareEmergencyAccessRequest? request, DeclareEmergencyAccessHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new DeclareEmergencyAccessCommand(id, request?.Reason), client.Current, ct));

    internal static async Task<Ok<IReadOnlyList<EmergencyAccessReviewItem>>> ListAsync(
        ListEmergencyAccessesHandler handler, ClientContext client, CancellationToken ct) =>
        TypedResults.Ok(await handler.HandleAsync(new ListEmergencyAccessesQuery(), client.Current, ct));

    internal static async Task<NoContent> AcknowledgeAsync(
        EmergencyAccessId id, AcknowledgeEmergencyAccessRequest? request, AcknowledgeEmergencyAccessHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(new AcknowledgeEmergencyAccessCommand(id, request?.Note), client.Current, ct);
        return TypedResults.NoContent();
    }
}
