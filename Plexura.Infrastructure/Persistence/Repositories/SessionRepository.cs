using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Sessions, on any engine.</summary>
internal sealed class SessionRepository(IDocumentStore store) : ISessionRepository
{
    /// <summary>How often revoke-all re-reads a session that changed under it before giving up.</summary>
    private const int MaxRevokeAttempts = 5;

    private static readonly string UserField = DocumentFields.Of(nameof(UserSession.UserId));

    private readonly IDocumentCollection<UserSession> _sessions = store.Collection(Collections.Sessions);

    public Task AddAsync(UserSession session, CancellationToken ct) =>
        _sessions.InsertAsync(DocumentScope.Global, session, ct);

    public Task<UserSession?> GetAsync(SessionId sessionId, CancellationToken ct) =>
        _sessions.GetAsync(DocumentScope.Global, sessionId.ToString(), ct);

    public async Task<IReadOnlyList<UserSession>> ListActiveForUserAsync(UserId userId, DateTimeOffset now, CancellationToken ct)
    {
        var all = await _sessions.FindManyAsync(DocumentScope.Global, UserField, userId.ToString(), ct);
        return [.. all.Where(s => s.IsActiveAt(now))];
    }

    public Task<UserSession> UpdateAsync(UserSession session, CancellationToken ct) =>
        _sessions.ReplaceAsync(DocumentScope.Global, session, ct);

    public Task<UserSession> RevokeAsync(UserSession session, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.RevokedAt is not null
            ? Task.FromResult(session)
            : _sessions.ReplaceAsync(DocumentScope.Global, session with { RevokedAt = now, RevokedReason = reason }, ct);
    }

    /// <remarks>
    /// Only active sessions are touched, so the count says how many sessions were actually ended (expired ones end by
    /// themselves). A session updated concurrently (for example its last-seen time) is re-read and revoked again, so
    /// it cannot slip through; one revoked concurrently by someone else is not counted.
    /// </remarks>
    public async Task<int> RevokeAllForUserAsync(UserId userId, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct)
    {
        var revoked = 0;
        foreach (var found in await _sessions.FindManyAsync(DocumentScope.Global, UserField, userId.ToString(), ct))
        {
            if (found.RevokedAt is null && now < found.ExpiresAt && await RevokeWithRetryAsync(found, reason, now, ct))
            {
                revoked++;
            }
        }

        return revoked;
    }

    private async Task<bool> RevokeWithRetryAsync(UserSession session, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct)
    {
        var current = session;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RevokeAsync(current, reason, now, ct);
                return true;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxRevokeAttempts)
            {
                current = await GetAsync(session.Id, ct);
                if (current is null || current.RevokedAt is not null)
                {
                    return false;
                }
            }
        }
    }
}
