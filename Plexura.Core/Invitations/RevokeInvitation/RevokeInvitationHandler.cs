using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Invitations.RevokeInvitation;

/// <summary>Withdraw an invitation before it is used.</summary>
/// <param name="InvitationId">The invitation, which must belong to the signed-in user's practice.</param>
public sealed record RevokeInvitationCommand(InvitationId InvitationId);

/// <summary>Marks the invitation revoked, so its link no longer works.</summary>
/// <remarks>
/// Read within the caller's practice (another practice's id is "not found"), with the same bar as inviting.
/// Revoking an already revoked invitation succeeds quietly; an accepted one is refused, because the person is a
/// member now and must be removed as a member instead.
/// </remarks>
public sealed class RevokeInvitationHandler(PracticeAccessGate gate, IInvitationRepository invitations, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown for an invitation that was already accepted.</summary>
    public const string AlreadyAcceptedMessage = "This invitation was already accepted. Remove the member instead.";

    /// <summary>Revokes; throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(RevokeInvitationCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.InvitationRevoked, "invitation", client, ct);
        var invitation = await invitations.GetAsync(actor.PracticeId, command.InvitationId, ct)
            ?? throw await gate.NotFoundAsync(actor, AuditAction.InvitationRevoked, "invitation", command.InvitationId.ToString(), client, ct);
        await gate.EnsureAsync(
            actor, PracticePolicy.CanInvite(actor, invitation.Role), AuditAction.InvitationRevoked, "invitation", invitation.Id.ToString(), client, ct);

        if (invitation.AcceptedAt is not null)
        {
            throw new ValidationFailedException(AlreadyAcceptedMessage);
        }

        if (invitation.RevokedAt is not null)
        {
            return;
        }

        var revoked = await invitations.UpdateAsync(actor.PracticeId, invitation with { RevokedAt = time.GetUtcNow() }, ct);
        await InvitationAudit.RecordAsync(
            audit, actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client, AuditAction.InvitationRevoked, AuditResult.Success, revoked.Id, ct,
            ("role", revoked.Role.ToString()));
    }
}
