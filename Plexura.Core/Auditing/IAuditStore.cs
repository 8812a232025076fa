using Plexura.Core.Common;

namespace Plexura.Core.Auditing;

/// <summary>Append-only storage of hash-chained audit events. There is deliberately no update or delete.</summary>
public interface IAuditStore
{
    /// <summary>
    /// Appends the event that <paramref name="buildNext"/> makes from the practice's current chain head.
    /// The store guarantees that no two events get the same sequence number: when another writer won the race,
    /// it reads the new head and calls <paramref name="buildNext"/> again.
    /// </summary>
    Task<AuditEvent> AppendAsync(PracticeId practiceId, Func<AuditChainHead, AuditEvent> buildNext, CancellationToken ct);

    /// <summary>The practice's events in sequence order, starting at <paramref name="fromSequence"/>.</summary>
    IAsyncEnumerable<AuditEvent> ReadChainAsync(PracticeId practiceId, long fromSequence, CancellationToken ct);

    /// <summary>The newest events of the practice, newest first, filtered.</summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct);
}

/// <summary>A filter over one practice's audit events.</summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    AuditAction? Action = null,
    UserId? ActorUserId = null,
    string? ClientId = null,
    AuditResult? Result = null,
    int Limit = 100);
