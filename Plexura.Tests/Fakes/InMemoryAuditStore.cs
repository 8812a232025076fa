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

    public Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AuditEvent>>(Events.Where(e => e.PracticeId == practiceId).OrderByDescending(e => e.Sequence).Take(query.Limit).ToList());
}
