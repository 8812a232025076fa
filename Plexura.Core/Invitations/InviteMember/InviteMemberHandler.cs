using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Invitations.InviteMember;

/// <summary>Creates an invitation to the signed-in user's practice and emails its link.</summary>
/// <remarks>
/// <para>
/// <b>Who.</b> Owners and admins with a second factor (<see cref="PracticePolicy.CanManageMembers"/>), and only an
/// owner may invite an admin (<see cref="PracticePolicy.CanInvite"/>); refusals are audited as denied. The practice
/// comes from the session, never from the command.
/// </para>
/// <para>
/// <b>No duplicates.</b> An email that already belongs to a member, or that has a pending invitation, is refused:
/// the second link would be a second key to the same door. The inviter is told to resend instead. Telling an admin
/// that someone is already a member gives away nothing: they can list the members.
/// </para>
/// </remarks>
public sealed class InviteMemberHandler(
    PracticeAccessGate gate,
    IInvitationRepository invitations,
    IUserRepository users,
    IMembershipRepository memberships,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time)
{
    /// <summary>Shown when the email already belongs to a member of the practice.</summary>
    public const string AlreadyMemberMessage = "This person is already a member of the practice.";

    /// <summary>Shown when the email already has a pending invitation.</summary>
    public const string AlreadyInvitedMessage = "An invitation to this email is already pending. Resend it instead.";

    /// <summary>Invites; throws <see cref="AccessDeniedException"/> when not allowed, <see cref="ValidationFailedException"/> for bad input.</summary>
    public async Task<InviteMemberResult> HandleAsync(InviteMemberCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.InvitationSent, "invitation", client, ct);
        if (!Enum.IsDefined(command.Role))
        {
            throw new ValidationFailedException("Choose a role: admin, clinician or compliance.");
        }

        await gate.EnsureAsync(actor, PracticePolicy.CanInvite(actor, command.Role), AuditAction.InvitationSent, "invitation", null, client, ct);

        var address = (command.Email ?? string.Empty).Trim();
        if (!SignUpValidation.IsEmail(address))
        {
            throw new ValidationFailedException("Enter a valid email address, such as name@example.com.");
        }

        var normalized = User.NormalizeEmail(address);
        var now = time.GetUtcNow();
        if (await users.FindByEmailAsync(normalized, ct) is { } existing
            && await memberships.FindByUserAsync(actor.PracticeId, existing.Id, ct) is not null)
        {
            throw new ValidationFailedException(AlreadyMemberMessage);
        }

        var earlier = await invitations.ListForEmailAsync(actor.PracticeId, normalized, ct);
        if (earlier.Any(i => i.StatusAt(now) == InvitationStatus.Pending))
        {
            throw new ValidationFailedException(AlreadyInvitedMessage);
        }

        var token = InvitationToken.Create(now);
        var invitation = new Invitation(
            InvitationId.New(), actor.PracticeId, normalized, command.Role, token.Hash, now, token.ExpiresAt, actor.UserId, now);
        await invitations.AddAsync(actor.PracticeId, invitation, ct);
        await InvitationAudit.RecordAsync(
            audit, actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client, AuditAction.InvitationSent, AuditResult.Success, invitation.Id, ct,
            ("role", invitation.Role.ToString()), ("send", "1"));

        var sent = await InvitationMail.SendAsync(email, app.Value, invitation, token, actor.PracticeName, actor.DisplayName, ct);
        return new InviteMemberResult(invitation.Id, invitation.ExpiresAt, sent);
    }
}
