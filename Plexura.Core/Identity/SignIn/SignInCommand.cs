using Plexura.Core.Memberships;

namespace Plexura.Core.Identity.SignIn;

/// <summary>Sign in with email and password.</summary>
/// <param name="Email">The email the user typed.</param>
/// <param name="Password">The password the user typed.</param>
public sealed record SignInCommand(string Email, string Password)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(SignInCommand)} {{ Password = *** }}";
}

/// <summary>How a sign-in ended.</summary>
public abstract record SignInResult
{
    /// <summary>The one message for a wrong password and an unknown email alike.</summary>
    public const string FailedMessage = "The email or password is not correct.";

    /// <summary>The message for a wrong second-factor or recovery code.</summary>
    public const string InvalidCodeMessage = "The code is not correct. Enter the current code from your authenticator app, or a recovery code.";

    /// <summary>The message for an expired or already used second-factor challenge.</summary>
    public const string ChallengeExpiredMessage = "This sign-in has expired. Sign in again.";

    private SignInResult()
    {
    }

    /// <summary>Signed in: a session exists and the token carries it.</summary>
    /// <param name="Token">The signed token.</param>
    /// <param name="SessionId">The new session.</param>
    /// <param name="Memberships">Every practice the user belongs to, for choosing one.</param>
    /// <param name="EnteredPractice">The practice the session entered (when the user has exactly one), or null.</param>
    public sealed record Success(IssuedToken Token, SessionId SessionId, IReadOnlyList<Membership> Memberships, Membership? EnteredPractice) : SignInResult;

    /// <summary>The password was right and the user has a second factor: ask for the code before issuing a session.</summary>
    /// <param name="Challenge">
    /// The opaque, single-use token to send back with the code (see <c>CompleteMfaSignInHandler</c>); valid for
    /// five minutes. No session exists yet.
    /// </param>
    public sealed record MfaRequired(string Challenge) : SignInResult
    {
        /// <inheritdoc />
        public override string ToString() => $"{nameof(MfaRequired)} {{ Challenge = *** }}";
    }

    /// <summary>The second-factor code (or recovery code) was wrong; the challenge still works until it expires.</summary>
    public sealed record InvalidCode : SignInResult
    {
        /// <summary>What to show.</summary>
        public string Message { get; } = InvalidCodeMessage;
    }

    /// <summary>The second-factor challenge is unknown, used or expired: the user must sign in with the password again.</summary>
    public sealed record ChallengeExpired : SignInResult
    {
        /// <summary>What to show.</summary>
        public string Message { get; } = ChallengeExpiredMessage;
    }

    /// <summary>The account is locked after repeated failures; the password was not checked.</summary>
    /// <param name="Until">When the lock ends.</param>
    public sealed record LockedOut(DateTimeOffset Until) : SignInResult;

    /// <summary>Wrong password or unknown email; the two are deliberately indistinguishable.</summary>
    public sealed record Failed : SignInResult
    {
        /// <summary>What to show.</summary>
        public string Message { get; } = FailedMessage;
    }
}
