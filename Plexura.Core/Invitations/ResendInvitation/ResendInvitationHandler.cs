using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Invitations.ResendInvitation;

/// <summary>Send a pending or expired invitation again, with a new link.</summary>
/// <param name="InvitationId">The invitation, which must belong to the signed-in user's practice.</param>
public sealed record ResendInvitationCommand(InvitationId InvitationId);

/// <summary>The renewed invitation.</summary>
/// <param name="ExpiresAt">When the new link stops working.</param>
/// <param name="EmailSent">True: the email is queued (stored durably and delivered in the background, with retries).</param>
public sealed record ResendInvitationResult(DateTimeOffset ExpiresAt, bool EmailSent);

/// <summary>Replaces the invitation's token and lifetime and emails the new link.</summary>
/// <remarks>
/// A new token, not the old one again: the stored hash is replaced, so the previous link stops working at once (an
/// email that went astray is disarmed by resending). The invitation is read within the caller's practice, so another
/// practice's id is "not found". Same bar as inviting, including that only an owner handles an admin invitation.
/// </remarks>
public sealed class ResendInvitationHandler(
    PracticeAccessGate gate,
    IInvitationRepository invitations,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time)
{
    /// <summary>Shown when the invitation was already accepted or revoked.</summary>
    public const string NotResendableMessage = "This invitation was already accepted or revoked. Send a new invitation instead.";

    /// <summary>Resends; throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<ResendInvitationResult> HandleAsync(ResendInvitationCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.InvitationSent, "invitation", client, ct);
        var invitation = await invitations.GetAsync(actor.PracticeId, command.InvitationId, ct)
            ?? throw await gate.NotFoundAsync(actor, AuditAction.InvitationSent, "invitation", command.InvitationId.ToString(), client, ct);
        await gate.EnsureAsync(
            actor, PracticePolicy.CanInvite(actor, invitation.Role), AuditAction.InvitationSent, "invitation", invitation.Id.ToString(), client, ct);

        var now = time.GetUtcNow();
        if (invitation.StatusAt(now) is InvitationStatus.Accepted or InvitationStatus.Revoked)
        {
            throw new ValidationFailedException(NotResendableMessage);
        }

        var token = InvitationToken.Create(now);
        var renewed = await invitations.UpdateAsync(
            actor.PracticeId,
            invitation with { TokenHash = token.Hash, ExpiresAt = token.ExpiresAt, LastSentAt = now, SendCount = invitation.SendCount + 1 },
            ct);
        await InvitationAudit.RecordAsync(
            audit, actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client, AuditAction.InvitationSent, AuditResult.Success, renewed.Id, ct,
            ("role", renewed.Role.ToString()), ("send", renewed.SendCount.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("via", "resend"));

        var sent = await InvitationMail.SendAsync(email, app.Value, renewed, token, actor.PracticeName, actor.DisplayName, ct);
        return new ResendInvitationResult(renewed.ExpiresAt, sent);
    }
}
