using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Access;
using Plexura.Core.Access.SetMemberScope;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Memberships.ChangeMemberRole;
using Plexura.Core.Memberships.RemoveMember;
using Plexura.Core.Memberships.TransferOwnership;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Endpoints;

/// <summary>A member's new role.</summary>
/// <param name="Role"><c>Admin</c>, <c>Clinician</c> or <c>Compliance</c> (owners are made by transfer).</param>
public sealed record ChangeMemberRoleRequest(PracticeRole? Role);

/// <summary>A clinician's client scope.</summary>
/// <param name="Scope"><c>GrantedOnly</c> or <c>AllClients</c>.</param>
/// <param name="AllClientsPermissions">The permissions on every client when the scope is <c>AllClients</c>.</param>
public sealed record SetMemberScopeRequest(ClientScope? Scope, PermissionsDto? AllClientsPermissions = null);

/// <summary>Who becomes an owner, and whether the signed-in owner stays one.</summary>
/// <param name="NewOwnerMembershipId">The member who becomes an owner.</param>
/// <param name="RemainOwner">Keep the current owner an owner too; otherwise they become an admin.</param>
public sealed record TransferOwnershipRequest(MembershipId? NewOwnerMembershipId, bool RemainOwner = false);

/// <summary>Member management of the signed-in manager's practice: roles, removal, client scope, ownership.</summary>
/// <remarks>
/// Gated to owners and admins by <see cref="Policies.PracticeManager"/>; Core then decides who may change whom
/// (second factor, admins below owners, the last owner) and audits a refusal. A membership id of another practice is
/// "not found" (404). Route ids are GUID-constrained, so a malformed one is a 404 like an unknown one. Changing a
/// member's role or ownership revokes that member's sessions, so the token used here may stop working at once when
/// the actor steps down.
/// </remarks>
public static class MemberEndpoints
{
    /// <summary>The largest request body: these are a few ids and flags.</summary>
    public const int MaxBodyBytes = 4 * 1024;

    /// <summary>Maps <c>/api/v1/members/*</c> and <c>/api/v1/practice/ownership-transfer</c> under the api group.</summary>
    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/v1")
            .WithTags("Members")
            .RequireAuthorization(Policies.PracticeManager)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/members/{membershipId:guid}/role", ChangeRoleAsync)
            .WithName("ChangeMemberRole")
            .WithSummary("Gives a member another role (admin, clinician or compliance); ends their sessions in the practice.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapDelete("/members/{membershipId:guid}", RemoveAsync)
            .WithName("RemoveMember")
            .WithSummary("Removes a member with their client grants, and ends their sessions in the practice.");
        group.MapPut("/members/{membershipId:guid}/scope", SetScopeAsync)
            .WithName("SetMemberScope")
            .WithSummary("Sets which clients a clinician reaches: every client with these permissions, or granted ones only.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/practice/ownership-transfer", TransferOwnershipAsync)
            .WithName("TransferOwnership")
            .WithSummary("Makes another member an owner (owners only); unless remainOwner, the current owner becomes an admin.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return api;
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> ChangeRoleAsync(
        MembershipId membershipId, ChangeMemberRoleRequest? request, ChangeMemberRoleHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request?.Role is not { } role)
        {
            return Invalid("Send the new role.");
        }

        await handler.HandleAsync(new ChangeMemberRoleCommand(membershipId, role), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> RemoveAsync(MembershipId membershipId, RemoveMemberHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(new RemoveMemberCommand(membershipId), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SetScopeAsync(
        MembershipId membershipId, SetMemberScopeRequest? request, SetMemberScopeHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request?.Scope is not { } scope)
        {
            return Invalid("Send the scope: GrantedOnly or AllClients.");
        }

        if (scope == ClientScope.AllClients && request.AllClientsPermissions is null)
        {
            return Invalid("Send allClientsPermissions with the AllClients scope.");
        }

        var permissions = request.AllClientsPermissions?.ToPermissions() ?? ClientPermissions.None;
        await handler.HandleAsync(new SetMemberScopeCommand(membershipId, scope, permissions), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> TransferOwnershipAsync(
        TransferOwnershipRequest? request, TransferOwnershipHandler handler, ClientContext client, CancellationToken ct)
    {
        if (request?.NewOwnerMembershipId is not { } newOwner)
        {
            return Invalid("Send newOwnerMembershipId.");
        }

        await handler.HandleAsync(new TransferOwnershipCommand(newOwner, request.RemainOwner), client.Current, ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(title: "Invalid request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
