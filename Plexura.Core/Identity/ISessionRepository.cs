using Plexura.Core.Common;

namespace Plexura.Core.Identity;

/// <summary>Stores sessions.</summary>
public interface ISessionRepository
{
    /// <summary>Adds a session; fails with <see cref="DuplicateRecordException"/> when the id exists.</summary>
    Task AddAsync(UserSession session, CancellationToken ct);

    /// <summary>The session, or null.</summary>
    Task<UserSession?> GetAsync(SessionId sessionId, CancellationToken ct);

    /// <summary>The user's sessions that are neither revoked nor expired at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<UserSession>> ListActiveForUserAsync(UserId userId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Replaces the session (for example its last-seen time); fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<UserSession> UpdateAsync(UserSession session, CancellationToken ct);

    /// <summary>Revokes the session as read; a session already revoked is returned unchanged.</summary>
    /// <remarks>Fails with <see cref="ConcurrencyConflictException"/> when <paramref name="session"/> is stale.</remarks>
    Task<UserSession> RevokeAsync(UserSession session, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct);

    /// <summary>Revokes every active session of the user; returns how many were revoked.</summary>
    /// <remarks>Retries on a concurrent update, so no session escapes by being touched at the same moment.</remarks>
    Task<int> RevokeAllForUserAsync(UserId userId, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct);
}
