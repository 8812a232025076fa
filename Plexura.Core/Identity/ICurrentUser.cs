using Plexura.Core.Common;

namespace Plexura.Core.Identity;

/// <summary>The signed-in user of the current request or circuit, as established from a validated token and session.</summary>
/// <remarks>
/// Use cases take the user and the practice from here, never from a command, so a request cannot act as someone
/// else. The Web layer implements it; reading <see cref="UserId"/> or <see cref="SessionId"/> while
/// <see cref="IsAuthenticated"/> is false throws <see cref="NotSignedInException"/> (fail closed).
/// </remarks>
public interface ICurrentUser
{
    /// <summary>Whether a user is signed in with an active session.</summary>
    bool IsAuthenticated { get; }

    /// <summary>The signed-in user.</summary>
    UserId UserId { get; }

    /// <summary>The session the request belongs to.</summary>
    SessionId SessionId { get; }

    /// <summary>The practice the session entered, or null while none is chosen.</summary>
    PracticeId? PracticeId { get; }
}

/// <summary>The <see cref="ICurrentUser"/> of a host that has not said who is signed in: nobody.</summary>
/// <remarks>Registered by Core only if no other implementation is, so a missing Web registration refuses instead of guessing.</remarks>
public sealed class NoCurrentUser : ICurrentUser
{
    /// <inheritdoc />
    public bool IsAuthenticated => false;

    /// <inheritdoc />
    public UserId UserId => throw new NotSignedInException();

    /// <inheritdoc />
    public SessionId SessionId => throw new NotSignedInException();

    /// <inheritdoc />
    public PracticeId? PracticeId => null;
}
