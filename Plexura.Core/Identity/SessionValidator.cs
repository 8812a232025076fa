namespace Plexura.Core.Identity;

/// <summary>Why a session check failed.</summary>
public enum SessionFailure
{
    /// <summary>No session with the token's id.</summary>
    NotFound,

    /// <summary>The session was ended early (sign-out, reset, role change, removal).</summary>
    Revoked,

    /// <summary>The session's lifetime is over.</summary>
    Expired,

    /// <summary>The session belongs to another user or was entered into another practice than the token says.</summary>
    Mismatch,

    /// <summary>The token does not live exactly <see cref="ITokenService.Lifetime"/>, or ends after its session.</summary>
    TokenOutlivesSession,
}

/// <summary>Either the active session behind a token or why it cannot be used.</summary>
public sealed record SessionCheckResult(UserSession? Session, SessionFailure? Failure)
{
    /// <summary>Whether the session is active and matches the token.</summary>
    public bool IsValid => Session is not null;
}

/// <summary>Checks, for every request or circuit, that a validated token's session is still active.</summary>
/// <remarks>
/// Tokens are stateless and live two hours; this check is what makes sign-out, sign-out-everywhere, a password
/// reset, a role change or a removal take effect at once. It fails closed: a missing session, a session of another
/// user and a session entered into another practice than the token names are all refused.
/// <para>
/// A token must also live exactly <see cref="ITokenService.Lifetime"/> and end no later than its session. The token
/// service already refuses other lifetimes; this check repeats it in Core so that a token signed with the real key
/// (a leaked key, a bug in issuing) with an expiry years ahead still stops working when its session ends, and never
/// outlives HIPAA's automatic logoff.
/// </para>
/// </remarks>
public sealed class SessionValidator(ISessionRepository sessions, TimeProvider time)
{
    /// <summary>The active session behind <paramref name="claims"/>, or why there is none.</summary>
    public async Task<SessionCheckResult> ValidateAsync(TokenClaims claims, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var session = await sessions.GetAsync(claims.Subject.SessionId, ct);
        if (session is null)
        {
            return new(null, SessionFailure.NotFound);
        }

        if (session.UserId != claims.Subject.UserId || session.PracticeId != claims.Subject.PracticeId)
        {
            return new(null, SessionFailure.Mismatch);
        }

        if (claims.ExpiresAt - claims.IssuedAt != ITokenService.Lifetime || claims.ExpiresAt > session.ExpiresAt)
        {
            return new(null, SessionFailure.TokenOutlivesSession);
        }

        if (session.RevokedAt is not null)
        {
            return new(null, SessionFailure.Revoked);
        }

        return time.GetUtcNow() < session.ExpiresAt ? new(session, null) : new(null, SessionFailure.Expired);
    }
}
