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
    /// <remarks>Not produced yet: nothing stores a TOTP enrollment. See the seam in <see cref="SignInHandler"/>.</remarks>
    public sealed record MfaRequired : SignInResult;

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
