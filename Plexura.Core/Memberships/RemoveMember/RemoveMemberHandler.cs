using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Memberships.RemoveMember;

/// <summary>Remove a member from the signed-in user's practice.</summary>
/// <param name="MembershipId">The member, which must belong to the practice.</param>
public sealed record RemoveMemberCommand(MembershipId MembershipId);

/// <summary>Deletes the membership and its client grants and ends the member's sessions in this practice at once.</summary>
/// <remarks>
/// Allowed per <see cref="MemberPolicy.CanRemove"/> (an owner for owners and admins; nobody removes themselves:
/// that is leaving). The last owner cannot be removed, also when two removals race (see <see cref="MemberChanges"/>:
/// write, re-count, undo). Grants go with the membership so a later re-invitation starts from nothing. The member's
/// sessions in this practice are revoked with <see cref="SessionRevocationReason.MembershipRemoved"/>; their account
/// and their other practices are untouched. Audited as <see cref="AuditAction.PermissionChanged"/>.
/// </remarks>
public sealed class RemoveMemberHandler(PracticeAccessGate gate, IMembershipRepository memberships, MemberChanges changes, IAuditLog audit)
{
    /// <summary>Removes; throws <see cref="RecordNotFoundException"/> or <see cref="AccessDeniedException"/>.</summary>
    public async Task HandleAsync(RemoveMemberCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.PermissionChanged, "membership", client, ct);
        var target = await memberships.GetAsync(actor.PracticeId, command.MembershipId, ct)
            ?? throw await gate.NotFoundAsync(actor, AuditAction.PermissionChanged, "membership", command.MembershipId.ToString(), client, ct);
        await gate.EnsureAsync(actor, MemberPolicy.CanRemove(actor, target), AuditAction.PermissionChanged, "membership", target.Id.ToString(), client, ct);
        await RemoveAsync(gate, memberships, changes, audit, actor, target, "removed", client, ct);
    }

    /// <summary>The removal shared with leaving: delete, keep an owner, drop grants, end sessions, audit.</summary>
    internal static async Task RemoveAsync(
        PracticeAccessGate gate,
        IMembershipRepository memberships,
        MemberChanges changes,
        IAuditLog audit,
        PracticeActor actor,
        Membership target,
        string change,
        ClientInfo client,
        CancellationToken ct)
    {
        var targetId = target.Id.ToString();
        var isOwner = target.Role == PracticeRole.Owner;
        if (isOwner && await changes.CountOwnersAsync(actor.PracticeId, ct) <= 1)
        {
            await DenyLastOwnerAsync(gate, actor, targetId, client, ct);
        }

        await memberships.DeleteAsync(actor.PracticeId, target.Id, target.Version, ct);
        if (isOwner && await changes.CountOwnersAsync(actor.PracticeId, ct) == 0)
        {
            await memberships.AddAsync(actor.PracticeId, target with { Version = 0 }, ct);
            await DenyLastOwnerAsync(gate, actor, targetId, client, ct);
        }

        var grants = await changes.DeleteGrantsAsync(actor.PracticeId, target.Id, ct);
        var revoked = await changes.RevokeSessionsAsync(actor.PracticeId, target.UserId, SessionRevocationReason.MembershipRemoved, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.PermissionChanged, AuditResult.Success, "membership", targetId, null, ct,
            ("change", change),
            ("role", target.Role.ToString()),
            ("grantsDeleted", grants.ToString(CultureInfo.InvariantCulture)),
            ("sessionsRevoked", revoked.ToString(CultureInfo.InvariantCulture)));
        await changes.SeatsChangedAsync(actor.PracticeId, "member-" + change, ct);
    }

    private static Task DenyLastOwnerAsync(PracticeAccessGate gate, PracticeActor actor, string targetId, ClientInfo client, CancellationToken ct) =>
        gate.EnsureAsync(
            actor, PracticeDecision.Deny("last-owner", MemberPolicy.LastOwnerMessage), AuditAction.PermissionChanged, "membership", targetId, client, ct);
}
