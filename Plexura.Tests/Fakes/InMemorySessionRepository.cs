using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Tests.Fakes;

/// <summary>Sessions in a dictionary, for unit tests of Core logic only; the real stores pass the contract suite.</summary>
public sealed class InMemorySessionRepository : ISessionRepository
{
    private readonly Lock _gate = new();
    private readonly Dictionary<SessionId, UserSession> _sessions = [];

    public Task AddAsync(UserSession session, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_sessions.TryAdd(session.Id, session))
            {
                throw new DuplicateRecordException("session", "id");
            }
        }

        return Task.CompletedTask;
    }

    public Task<UserSession?> GetAsync(SessionId sessionId, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_sessions.GetValueOrDefault(sessionId));
        }
    }

    public Task<IReadOnlyList<UserSession>> ListActiveForUserAsync(UserId userId, DateTimeOffset now, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<UserSession>>([.. _sessions.Values.Where(s => s.UserId == userId && s.IsActiveAt(now))]);
        }
    }

    public Task<UserSession> UpdateAsync(UserSession session, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(session.Id, out var stored))
            {
                throw new RecordNotFoundException("session");
            }

            if (stored.Version != session.Version)
            {
                throw new ConcurrencyConflictException("session");
            }

            var updated = session with { Version = session.Version + 1 };
            _sessions[session.Id] = updated;
            return Task.FromResult(updated);
        }
    }

    public Task<UserSession> RevokeAsync(UserSession session, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct) =>
        session.RevokedAt is not null ? Task.FromResult(session) : UpdateAsync(session with { RevokedAt = now, RevokedReason = reason }, ct);

    public async Task<int> RevokeAllForUserAsync(UserId userId, SessionRevocationReason reason, DateTimeOffset now, CancellationToken ct)
    {
        var active = await ListActiveForUserAsync(userId, now, ct);
        foreach (var session in active)
        {
            await RevokeAsync(session, reason, now, ct);
        }

        return active.Count;
    }
}
