using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Auditing;
using Plexura.Core.Compliance;
using Plexura.Core.Compliance.SearchAuditLog;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>One audit event with every stored field.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="Sequence">Its position in the practice's chain.</param>
/// <param name="Timestamp">When it happened (UTC).</param>
/// <param name="ActorUserId">Who acted, when known.</param>
/// <param name="ActorEmail">Their email at the time.</param>
/// <param name="SourceIp">The request's IP address.</param>
/// <param name="UserAgent">The request's user agent.</param>
/// <param name="Action">What happened.</param>
/// <param name="TargetType">The kind of record.</param>
/// <param name="TargetId">The record's id.</param>
/// <param name="ClientId">The client whose PHI was involved (an id).</param>
/// <param name="Result">How it ended.</param>
/// <param name="Details">Ids and codes.</param>
/// <param name="PreviousHash">The hash of the event before it.</param>
/// <param name="Hash">This event's hash.</param>
public sealed record AuditEventDto(
    Guid Id,
    long Sequence,
    DateTimeOffset Timestamp,
    string? ActorUserId,
    string? ActorEmail,
    string? SourceIp,
    string? UserAgent,
    string Action,
    string? TargetType,
    string? TargetId,
    string? ClientId,
    string Result,
    IReadOnlyDictionary<string, string> Details,
    string PreviousHash,
    string Hash)
{
    /// <summary>The DTO of a stored event.</summary>
    public static AuditEventDto From(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, e.Sequence, e.Timestamp, e.ActorUserId?.ToString(), e.ActorEmail, e.SourceIp, e.UserAgent, e.Action.ToString(),
            e.TargetType, e.TargetId, e.ClientId, e.Result.ToString(), e.Details, e.PreviousHash, e.Hash);
    }
}

/// <summary>A page of the audit log, newest first, with the keyset cursors of its neighbours.</summary>
/// <param name="Events">The events.</param>
/// <param name="Older">Send as <c>before</c> for the next older page; null at the oldest match.</param>
/// <param name="Newer">Send as <c>after</c> for the next newer page; null at the newest match.</param>
public sealed record AuditEventPageDto(IReadOnlyList<AuditEventDto> Events, long? Older, long? Newer);

/// <summary>The audit log for owners, admins and compliance staff: <c>GET /api/v1/compliance/audit-events</c>.</summary>
/// <remarks>
/// Gated by <see cref="Policies.AuditReaders"/>, then by <c>PracticePolicy.CanReadAuditLog</c> in Core (second factor). The query
/// takes the viewer's filters: <c>from</c>, <c>to</c> (a date in the practice's zone or an ISO 8601 instant),
/// <c>action</c> (repeatable, at most 20), <c>actor</c> (user id), <c>client</c> (client id), <c>result</c>,
/// <c>targetType</c>, <c>targetId</c>, <c>ip</c>, and the keyset <c>before</c> / <c>after</c> and <c>pageSize</c>.
/// A refused filter is a 400 ProblemDetails naming the field and the limit, and is audited.
/// </remarks>
public static class AuditLogEndpoints
{
    /// <summary>Maps the endpoint under the api group.</summary>
    public static IEndpointRouteBuilder MapAuditLogEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/v1/compliance")
            .WithTags("Compliance")
            .RequireAuthorization(Policies.AuditReaders)
            .MapGet("/audit-events", SearchAsync)
            .WithName("SearchAuditEvents")
            .WithSummary("One page of the practice's audit log, newest first, filtered; viewing it is audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    internal static async Task<AuditEventPageDto> SearchAsync(
        SearchAuditLogHandler handler,
        ClientContext client,
        [FromQuery] string? from,
        [FromQuery] string? to,
        [FromQuery(Name = "action")] string[]? actions,
        [FromQuery] string? actor,
        [FromQuery(Name = "client")] string? clientId,
        [FromQuery] string? result,
        [FromQuery] string? targetType,
        [FromQuery] string? targetId,
        [FromQuery] string? ip,
        [FromQuery] long? before,
        [FromQuery] long? after,
        [FromQuery] int? pageSize,
        CancellationToken ct)
    {
        var filter = new AuditFilterInput(from, to, actions, actor, clientId, result, targetType, targetId, ip);
        var page = await handler.HandleAsync(
            new SearchAuditLogCommand(filter, before, after, pageSize ?? SearchAuditLogHandler.DefaultPageSize), client.Current, ct);
        return new AuditEventPageDto([.. page.Events.Select(AuditEventDto.From)], page.Older, page.Newer);
    }
}
