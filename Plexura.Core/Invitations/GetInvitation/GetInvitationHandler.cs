using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Invitations.GetInvitation;

/// <summary>Look up an invitation by the token from its link, for the acceptance page (no sign-in needed).</summary>
/// <param name="Token">The <c>token</c> value of the link.</param>
public sealed record GetInvitationCommand(string Token)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(GetInvitationCommand)} {{ Token = *** }}";
}

/// <summary>What the acceptance page shows.</summary>
/// <param name="PracticeName">The inviting practice.</param>
/// <param name="Email">The invited address.</param>
/// <param name="Role">The role offered.</param>
/// <param name="AccountExists">
/// Whether the address already has an account: then the page asks for that account's password; otherwise for a
/// display name and a new password.
/// </param>
/// <param name="MfaRequired">Whether the invitee will have to set up two-step sign-in (owner or admin role, or the practice requires it).</param>
/// <param name="ExpiresAt">When the link stops working.</param>
public sealed record InvitationPreview(string PracticeName, string Email, PracticeRole Role, bool AccountExists, bool MfaRequired, DateTimeOffset ExpiresAt);

/// <summary>Finds a pending invitation by its token.</summary>
/// <remarks>
/// Anonymous: the token (32 random bytes, looked up by its hash) is the proof. It tells whether the invited address
/// has an account, which only the holder of the link learns, and the link went to that inbox. Unknown, replaced,
/// expired, accepted and revoked tokens all get one message, so a guessed or old link learns nothing. A read of the
/// page is not audited; accepting is.
/// </remarks>
public sealed class GetInvitationHandler(IInvitationRepository invitations, IPracticeRepository practices, IUserRepository users, TimeProvider time)
{
    /// <summary>Shown for every link that does not work (unknown, replaced, expired, used or revoked).</summary>
    public const string UnavailableMessage = "This invitation link has expired or was already used. Ask the practice to send a new one.";

    /// <summary>The preview; throws <see cref="ValidationFailedException"/> with <see cref="UnavailableMessage"/> when the link does not work.</summary>
    public async Task<InvitationPreview> HandleAsync(GetInvitationCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var invitation = await invitations.FindByTokenHashAsync(InvitationToken.HashOf(command.Token), ct);
        if (invitation is null || invitation.StatusAt(time.GetUtcNow()) != InvitationStatus.Pending)
        {
            throw new ValidationFailedException(UnavailableMessage);
        }

        var practice = await practices.GetAsync(invitation.PracticeId, ct) ?? throw new ValidationFailedException(UnavailableMessage);
        var account = await users.FindByEmailAsync(invitation.Email, ct);
        return new InvitationPreview(
            practice.Name,
            invitation.Email,
            invitation.Role,
            account is not null,
            PracticePolicy.RequiresMfa(invitation.Role, practice.RequireMfaForAllMembers),
            invitation.ExpiresAt);
    }
}
