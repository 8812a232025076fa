using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Memberships.ChangeMemberRole;

/// <summary>Give a member of the signed-in user's practice another role.</summary>
/// <param name="MembershipId">The member, which must belong to the practice.</param>
/// <param name="Role">The new role: admin, clinician or compliance (owners are made by transfer).</param>
public sealed record ChangeMemberRoleCommand(MembershipId MembershipId, PracticeRole Role);

/// <summary>Changes the role per <see cref="MemberPolicy.CanChangeRole"/>, keeps at least one owner, ends the member's sessions here.</summary>
/// <remarks>
/// A clinician or compliance officer who tries is refused, audited as <see cref="AuditResult.Denied"/>, and nothing
/// changes. The member's sessions in this practice are revoked at once (<see cref="SessionRevocationReason.RoleChanged"/>)
/// so no token issued under the old role outlives the change. Demoting an owner is checked against the owners left
/// after the write and undone if none would remain (see <see cref="MemberChanges"/>). Setting the current role again
/// changes and audits nothing. Client grants and scope stay on the membership: they count only while the member is a
/// clinician (<see cref="ClientAuthorization"/>), so a clinician moved to compliance and back gets them back as they were. A concurrent edit of the membership surfaces as <see cref="ConcurrencyConflictException"/>:
/// the manager reloads and decides again on what is now true.
/// </remarks>
public sealed class ChangeMemberRoleHandler(PracticeAccessGate gate, IMembershipRepository memberships, MemberChanges changes, IAuditLog audit)
{
    /// <summary>Changes the role; throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(ChangeMemberRoleCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.PermissionChanged, "membership", client, ct);
        if (!Enum.IsDefined(command.Role))
        {
            throw new ValidationFailedException("Choose a role.");
        }

        var target = await memberships.GetAsync(actor.PracticeId, command.MembershipId, ct)
            ?? throw await gate.NotFoundAsync(actor, AuditAction.PermissionChanged, "membership", command.MembershipId.ToString(), client, ct);
        var targetId = target.Id.ToString();
        await gate.EnsureAsync(actor, MemberPolicy.CanChangeRole(actor, target, command.Role), AuditAction.PermissionChanged, "membership", targetId, client, ct);
        if (target.Role == command.Role)
        {
            return;
        }

        var demotesOwner = target.Role == PracticeRole.Owner;
        if (demotesOwner && await changes.CountOwnersAsync(actor.PracticeId, ct) <= 1)
        {
            await DenyLastOwnerAsync(actor, targetId, client, ct);
        }

        await memberships.UpdateAsync(actor.PracticeId, target with { Role = command.Role }, ct);
        if (demotesOwner && await changes.CountOwnersAsync(actor.PracticeId, ct) == 0)
        {
            await changes.RestoreOwnerAsync(actor.PracticeId, target.Id, ct);
            await DenyLastOwnerAsync(actor, targetId, client, ct);
        }

        var revoked = await changes.RevokeSessionsAsync(actor.PracticeId, target.UserId, SessionRevocationReason.RoleChanged, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.PermissionChanged, AuditResult.Success, "membership", targetId, null, ct,
            ("change", "role"), ("from", target.Role.ToString()), ("to", command.Role.ToString()), ("sessionsRevoked", revoked.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await changes.SeatsChangedAsync(actor.PracticeId, "role-changed", ct);
    }

    private Task DenyLastOwnerAsync(PracticeActor actor, string targetId, ClientInfo client, CancellationToken ct) =>
        gate.EnsureAsync(
            actor, PracticeDecision.Deny("last-owner", MemberPolicy.LastOwnerMessage), AuditAction.PermissionChanged, "membership", targetId, client, ct);
}
