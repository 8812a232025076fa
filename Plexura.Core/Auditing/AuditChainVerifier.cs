using Plexura.Core.Common;

namespace Plexura.Core.Auditing;

/// <summary>The outcome of recomputing a practice's audit chain.</summary>
/// <param name="IsValid">True when every event links to its predecessor and hashes to its stored hash.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="FirstBrokenSequence">The first sequence number that fails, or null.</param>
/// <param name="Problem">What is wrong at that event, or null.</param>
public sealed record AuditChainReport(bool IsValid, long EventsChecked, long? FirstBrokenSequence, string? Problem);

/// <summary>Recomputes a practice's hash chain and reports the first broken sequence number.</summary>
/// <remarks>
/// Detects an altered event (its hash no longer matches), a removed or inserted event (a sequence gap or a
/// previous-hash mismatch) and a rewritten tail (links break at the first rewritten event).
/// <para>
/// Hashing is the expensive part and does not depend on the order, so events are read in batches and each batch is
/// hashed on the thread pool while the next one is read. The links (sequence and previous hash) are then checked
/// strictly in chain order, so the report is exactly that of checking one event after the other.
/// </para>
/// </remarks>
public sealed class AuditChainVerifier(IAuditStore store)
{
    private const int BatchSize = 256;

    // Batches hashed ahead of the in-order check: enough to keep every core busy, bounded to cap memory.
    private static readonly int MaxBatchesInFlight = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Verifies the whole chain of the practice.</summary>
    public async Task<AuditChainReport> VerifyAsync(PracticeId practiceId, CancellationToken ct)
    {
        var state = new ChainState();
        var pending = new Queue<HashedBatch>();
        try
        {
            var batch = new List<AuditEvent>(BatchSize);
            await foreach (var e in store.ReadChainAsync(practiceId, 1, ct))
            {
                batch.Add(e);
                if (batch.Count < BatchSize)
                {
                    continue;
                }

                pending.Enqueue(HashedBatch.Start(batch));
                batch = new List<AuditEvent>(BatchSize);
                if (pending.Count >= MaxBatchesInFlight && await CheckAsync(pending.Dequeue(), state) is { } broken)
                {
                    return broken;
                }
            }

            if (batch.Count > 0)
            {
                pending.Enqueue(HashedBatch.Start(batch));
            }

            while (pending.TryDequeue(out var hashed))
            {
                if (await CheckAsync(hashed, state) is { } broken)
                {
                    return broken;
                }
            }

            return new AuditChainReport(true, state.CheckedCount, null, null);
        }
        finally
        {
            // Never leave hashing work running (or its exceptions unobserved) after returning or throwing.
            await Task.WhenAll(pending.Select(p => (Task)p.HashesMatch)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Checks a batch in chain order; returns the report of the first broken event, or null.</summary>
    private static async Task<AuditChainReport?> CheckAsync(HashedBatch hashed, ChainState state)
    {
        var hashesMatch = await hashed.HashesMatch;
        for (var i = 0; i < hashed.Events.Count; i++)
        {
            var e = hashed.Events[i];
            state.CheckedCount++;
            var problem = Check(e, state.Expected, hashesMatch[i]);
            if (problem is not null)
            {
                return new AuditChainReport(false, state.CheckedCount, state.Expected.Sequence + 1, problem);
            }

            state.Expected = new AuditChainHead(e.Sequence, e.Hash);
        }

        return null;
    }

    private static string? Check(AuditEvent e, AuditChainHead expected, bool hashMatches)
    {
        if (e.Sequence != expected.Sequence + 1)
        {
            return $"Expected sequence {expected.Sequence + 1} but found {e.Sequence}: events are missing.";
        }

        if (!string.Equals(e.PreviousHash, expected.Hash, StringComparison.Ordinal))
        {
            return "The previous-hash link does not match the preceding event.";
        }

        return hashMatches ? null : "The event's content does not match its hash: it was altered.";
    }

    /// <summary>The last verified event and how many have been read.</summary>
    private sealed class ChainState
    {
        public AuditChainHead Expected { get; set; } = AuditChainHead.Genesis;

        public long CheckedCount { get; set; }
    }

    /// <summary>A batch of events in chain order and the task that checks each one's stored hash.</summary>
    private sealed record HashedBatch(List<AuditEvent> Events, Task<bool[]> HashesMatch)
    {
        public static HashedBatch Start(List<AuditEvent> events) => new(events, Task.Run(() =>
        {
            var matches = new bool[events.Count];
            for (var i = 0; i < matches.Length; i++)
            {
                matches[i] = AuditHasher.HashEquals(events[i], events[i].Hash);
            }

            return matches;
        }));
    }
}
