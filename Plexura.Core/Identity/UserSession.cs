using Plexura.Core.Common;

namespace Plexura.Core.Identity;

/// <summary>Why a session was ended before it expired.</summary>
public enum SessionRevocationReason
{
    /// <summary>The user signed out of this session.</summary>
    SignedOut,

    /// <summary>The user signed out of every session.</summary>
    SignedOutEverywhere,

    /// <summary>The password was reset or changed.</summary>
    PasswordReset,

    /// <summary>The user's role in a practice changed.</summary>
    RoleChanged,

    /// <summary>The user was removed from a practice.</summary>
    MembershipRemoved,

    /// <summary>An administrator or the system ended it.</summary>
    Administrative,

    /// <summary>The user chose a practice; a new session entered it and replaced this one.</summary>
    PracticeChosen,
}

/// <summary>A signed-in session on the server. Every token names one, and is refused once it is revoked.</summary>
/// <param name="Id">The session id, carried in the token as <c>sid</c>.</param>
/// <param name="UserId">The signed-in user.</param>
/// <param name="PracticeId">The practice the session entered, or null while none is chosen.</param>
/// <param name="CreatedAt">When the user signed in.</param>
/// <param name="ExpiresAt">When the session ends by itself; never extended.</param>
/// <param name="RevokedAt">When it was ended early, if it was.</param>
/// <param name="RevokedReason">Why it was ended early, if it was.</param>
/// <param name="SourceIp">The client's IP address at sign-in.</param>
/// <param name="UserAgent">The client's user agent at sign-in.</param>
/// <param name="LastSeenAt">When the session was last used.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// Global rather than practice-owned, on purpose. A session exists before any practice is chosen (sign-in, then
/// practice choice), and a user who belongs to several practices has one identity whose sessions must all end at
/// once on sign-out-everywhere or a password reset; a practice-owned record could express neither without a fake
/// practice or a cross-practice sweep. The session holds no practice data: only ids, times and the client's
/// address. Access to practice data is still decided per request from the membership, and <see cref="PracticeId"/>
/// only pins the practice the token was issued for (see <see cref="SessionValidator"/>).
/// </remarks>
[GlobalRecord("A session belongs to the person, exists before a practice is chosen, and sign-out-everywhere must end all of a user's sessions across practices.")]
public sealed record UserSession(
    SessionId Id,
    UserId UserId,
    PracticeId? PracticeId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    SessionRevocationReason? RevokedReason,
    string? SourceIp,
    string? UserAgent,
    DateTimeOffset LastSeenAt,
    long Version = 0) : IVersioned
{
    /// <summary>A new session for <paramref name="userId"/> starting at <paramref name="now"/>.</summary>
    public static UserSession Start(UserId userId, PracticeId? practiceId, DateTimeOffset now, string? sourceIp, string? userAgent) =>
        new(SessionId.New(), userId, practiceId, now, now + ITokenService.Lifetime, null, null, sourceIp, userAgent, now);

    /// <summary>Whether the session may be used at <paramref name="now"/>: not revoked and not yet expired.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
