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

    /// <summary>
    /// The newest events of the practice that match <paramref name="query"/>, newest first, at most
    /// <see cref="AuditQuery.Limit"/>; with <see cref="AuditQuery.BeforeSequence"/> the next page of a keyset walk.
    /// </summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct);

    /// <summary>
    /// Every event of the practice that matches <paramref name="query"/> (its filters only: <see cref="AuditQuery.Limit"/>
    /// is ignored, <see cref="AuditQuery.BeforeSequence"/> bounds the range), oldest first, streamed in bounded
    /// batches so memory stays constant whatever the count: for exports and reports.
    /// </summary>
    IAsyncEnumerable<AuditEvent> StreamAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct);
}

/// <summary>A filter over one practice's audit events. Every set filter must hold (AND); unset filters match all.</summary>
/// <param name="From">Inclusive lower bound of the event time.</param>
/// <param name="To">Exclusive upper bound of the event time.</param>
/// <param name="Action">One action.</param>
/// <param name="ActorUserId">The member who acted.</param>
/// <param name="ClientId">The client whose PHI was involved.</param>
/// <param name="Result">How it ended.</param>
/// <param name="Limit">Page size of <see cref="IAuditStore.QueryAsync"/> (clamped to 1..10,000).</param>
/// <param name="Actions">Any of these actions (combined with <paramref name="Action"/> when both are set).</param>
/// <param name="TargetType">The kind of record acted on ("client", "session").</param>
/// <param name="TargetId">The record's id.</param>
/// <param name="SourceIp">The exact source IP address.</param>
/// <param name="BeforeSequence">Keyset paging: only events with a smaller sequence number.</param>
/// <param name="AfterSequence">Only events with a larger sequence number.</param>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    AuditAction? Action = null,
    UserId? ActorUserId = null,
    string? ClientId = null,
    AuditResult? Result = null,
    int Limit = 100,
    IReadOnlyList<AuditAction>? Actions = null,
    string? TargetType = null,
    string? TargetId = null,
    string? SourceIp = null,
    long? BeforeSequence = null,
    long? AfterSequence = null);

/// <summary>The set of actions an <see cref="AuditQuery"/> asks for, for the stores.</summary>
public static class AuditQueryActions
{
    /// <summary>
    /// Null when the query does not filter by action; otherwise the distinct actions it accepts (empty when
    /// <see cref="AuditQuery.Action"/> and <see cref="AuditQuery.Actions"/> exclude each other, so nothing matches).
    /// </summary>
    public static IReadOnlyList<AuditAction>? Of(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Actions is null)
        {
            return query.Action is { } one ? [one] : null;
        }

        var set = query.Actions.Distinct().ToList();
        return query.Action is { } single ? set.Where(a => a == single).ToList() : set;
    }
}
