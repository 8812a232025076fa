using System.Runtime.CompilerServices;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Tests.Fakes;

/// <summary>An audit store in a list, for unit tests of Core's chaining and verification logic only.</summary>
public sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _gate = new();

    public List<AuditEvent> Events { get; } = [];

    public Task<AuditEvent> AppendAsync(PracticeId practiceId, Func<AuditChainHead, AuditEvent> buildNext, CancellationToken ct)
    {
        lock (_gate)
        {
            var last = Events.LastOrDefault(e => e.PracticeId == practiceId);
            var next = buildNext(last is null ? AuditChainHead.Genesis : new AuditChainHead(last.Sequence, last.Hash));
            Events.Add(next);
            return Task.FromResult(next);
        }
    }

    public async IAsyncEnumerable<AuditEvent> ReadChainAsync(PracticeId practiceId, long fromSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var e in Events.Where(e => e.PracticeId == practiceId && e.Sequence >= fromSequence).OrderBy(e => e.Sequence))
        {
            yield return e;
        }
    }

    public Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditEvent>>(
                Events.Where(e => e.PracticeId == practiceId && Matches(e, query)).OrderByDescending(e => e.Sequence).Take(Math.Clamp(query.Limit, 1, 10_000)).ToList());
        }
    }

    public async IAsyncEnumerable<AuditEvent> StreamAsync(PracticeId practiceId, AuditQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        List<AuditEvent> matches;
        lock (_gate)
        {
            matches = Events.Where(e => e.PracticeId == practiceId && Matches(e, query)).OrderBy(e => e.Sequence).ToList();
        }

        foreach (var e in matches)
        {
            yield return e;
        }
    }

    /// <summary>The stores' filter semantics over one event.</summary>
    public static bool Matches(AuditEvent e, AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(query);
        var actions = AuditQueryActions.Of(query);
        return (query.From is not { } from || e.Timestamp >= from)
            && (query.To is not { } to || e.Timestamp < to)
            && (actions is null || actions.Contains(e.Action))
            && (query.ActorUserId is not { } actor || e.ActorUserId == actor)
            && (query.ClientId is null || string.Equals(e.ClientId, query.ClientId, StringComparison.Ordinal))
            && (query.Result is not { } result || e.Result == result)
            && (query.TargetType is null || string.Equals(e.TargetType, query.TargetType, StringComparison.Ordinal))
            && (query.TargetId is null || string.Equals(e.TargetId, query.TargetId, StringComparison.Ordinal))
            && (query.SourceIp is null || string.Equals(e.SourceIp, query.SourceIp, StringComparison.Ordinal))
            && (query.BeforeSequence is not { } before || e.Sequence < before)
            && (query.AfterSequence is not { } after || e.Sequence > after);
    }
}
