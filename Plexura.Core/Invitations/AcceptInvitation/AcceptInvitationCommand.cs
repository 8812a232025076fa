using Plexura.Core.Common;

namespace Plexura.Core.Invitations.AcceptInvitation;

/// <summary>Accept an invitation with the token from its link (no sign-in needed).</summary>
/// <param name="Token">The <c>token</c> value of the link.</param>
/// <param name="DisplayName">The new account's display name; ignored when the invited address already has an account.</param>
/// <param name="Password">
/// A new password when the address has no account yet; otherwise the existing account's password, which proves the
/// person accepting owns that account.
/// </param>
public sealed record AcceptInvitationCommand(string Token, string? DisplayName, string Password)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(AcceptInvitationCommand)} {{ Token = ***, Password = *** }}";
}

/// <summary>The membership the invitation became.</summary>
/// <param name="UserId">The account that joined (new or existing).</param>
/// <param name="PracticeId">The practice joined.</param>
/// <param name="MembershipId">The new membership.</param>
/// <param name="AccountCreated">Whether a new account was made.</param>
/// <param name="MfaEnrollmentRequired">
/// Whether the user must set up two-step sign-in next (owner or admin role, or the practice requires it, and they
/// have none yet).
/// </param>
public sealed record AcceptInvitationResult(
    UserId UserId, PracticeId PracticeId, MembershipId MembershipId, bool AccountCreated, bool MfaEnrollmentRequired);
