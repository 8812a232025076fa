using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Memberships.TransferOwnership;

/// <summary>Hand ownership of the signed-in owner's practice to another member.</summary>
/// <param name="NewOwnerMembershipId">The member who becomes an owner.</param>
/// <param name="RemainOwner">
/// Keep the current owner an owner too (co-owners). When false, the current owner becomes an admin.
/// </param>
public sealed record TransferOwnershipCommand(MembershipId NewOwnerMembershipId, bool RemainOwner = false);

/// <summary>Makes another member an owner and, unless asked to remain, the current owner an admin.</summary>
/// <remarks>
/// <para>Several owners may exist ("the last owner cannot leave" implies it); this is the only way to make one, so
/// every owner was chosen by an owner (<see cref="MemberPolicy.CanTransferOwnership"/>). The new owner must have a
/// verified email and a second factor, because an owner must have one to manage anything (HIPAA 5.4): handing the
/// practice to an account that cannot use it would leave it unmanaged.</para>
/// <para>The new owner is promoted before the old one is demoted, so the practice never has zero owners in between.
/// Both members' sessions in this practice are revoked (<see cref="SessionRevocationReason.RoleChanged"/>), like every
/// role change, the acting owner's included when they step down.</para>
/// </remarks>
public sealed class TransferOwnershipHandler(
    PracticeAccessGate gate, IMembershipRepository memberships, IUserRepository users, MemberChanges changes, IAuditLog audit)
{
    /// <summary>Shown when the chosen member is already an owner (or is the actor).</summary>
    public const string AlreadyOwnerMessage = "This member is already an owner.";

    /// <summary>Transfers; throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(TransferOwnershipCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(MemberPolicy.CanTransferOwnership, AuditAction.PermissionChanged, "membership", client, ct);
        var target = await memberships.GetAsync(actor.PracticeId, command.NewOwnerMembershipId, ct)
            ?? throw await gate.NotFoundAsync(actor, AuditAction.PermissionChanged, "membership", command.NewOwnerMembershipId.ToString(), client, ct);
        var targetId = target.Id.ToString();
        if (target.Role == PracticeRole.Owner)
        {
            throw new ValidationFailedException(AlreadyOwnerMessage);
        }

        var user = await users.GetAsync(target.UserId, ct);
        if (user is not { HasMfa: true, IsEmailVerified: true })
        {
            await gate.EnsureAsync(
                actor, PracticeDecision.Deny("new-owner-needs-mfa", MemberPolicy.NewOwnerNeedsMfaMessage), AuditAction.PermissionChanged, "membership", targetId, client, ct);
        }

        await memberships.UpdateAsync(actor.PracticeId, target with { Role = PracticeRole.Owner }, ct);
        var revoked = await changes.RevokeSessionsAsync(actor.PracticeId, target.UserId, SessionRevocationReason.RoleChanged, ct);
        if (!command.RemainOwner)
        {
            var own = await memberships.GetAsync(actor.PracticeId, actor.MembershipId, ct) ?? throw new AccessDeniedException(PracticeActorLoader.NotAMemberMessage);
            await memberships.UpdateAsync(actor.PracticeId, own with { Role = PracticeRole.Admin }, ct);
            revoked += await changes.RevokeSessionsAsync(actor.PracticeId, actor.UserId, SessionRevocationReason.RoleChanged, ct);
        }

        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.PermissionChanged, AuditResult.Success, "membership", targetId, null, ct,
            ("change", "ownership-transferred"),
            ("from", target.Role.ToString()),
            ("to", PracticeRole.Owner.ToString()),
            ("previousOwnerRole", command.RemainOwner ? PracticeRole.Owner.ToString() : PracticeRole.Admin.ToString()),
            ("sessionsRevoked", revoked.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
