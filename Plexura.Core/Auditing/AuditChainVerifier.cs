using Plexura.Core.Common;

namespace Plexura.Core.Auditing;

/// <summary>The outcome of recomputing a practice's audit chain.</summary>
/// <param name="IsValid">True when every event links to its predecessor and hashes to its stored hash.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="FirstBrokenSequence">The first sequence number that fails, or null.</param>
/// <param name="Problem">What is wrong at that event, or null.</param>
public sealed record AuditChainReport(bool IsValid, long EventsChecked, long? FirstBrokenSequence, string? Problem)
{
    /// <summary>How many of the given checkpoints the chain was found to extend (all of them when valid).</summary>
    public int CheckpointsChecked { get; init; }

    /// <summary>
    /// When the events up to this sequence were archived (removed past the retention period by an operator): the
    /// chain was checked from the next one, which links to the archive start it names. Null when checked from 1.
    /// </summary>
    public long? ArchivedThrough { get; init; }
}

/// <summary>A chain head remembered outside the database: the event at <paramref name="Sequence"/> must still have <paramref name="Hash"/>.</summary>
/// <param name="Sequence">The head's sequence number (1 or more).</param>
/// <param name="Hash">The head event's hash (lowercase hex).</param>
public sealed record AuditChainCheckpoint(long Sequence, string Hash);

/// <summary>How far a running verification is; read from any thread while it runs.</summary>
public sealed class AuditChainProgress
{
    private long _checked;
    private long _total;

    /// <summary>Events checked so far (approximate while running: updated in steps).</summary>
    public long EventsChecked => Volatile.Read(ref _checked);

    /// <summary>The chain's length when the run started (0 until known).</summary>
    public long EventsTotal => Volatile.Read(ref _total);

    internal void SetTotal(long total) => Volatile.Write(ref _total, total);

    internal void Add(long count) => Interlocked.Add(ref _checked, count);
}

/// <summary>Recomputes a practice's hash chain and reports the first broken sequence number.</summary>
/// <remarks>
/// Detects an altered event (its hash no longer matches), a removed or inserted event (a sequence gap or a
/// previous-hash mismatch), a rewritten tail (links break at the first rewritten event) and, given checkpoints kept
/// outside the database, a rewrite whose later hashes were all recomputed (the event at a checkpoint's sequence no
/// longer has the checkpoint's hash) or a chain cut short (it ends before a checkpoint).
/// <para>
/// Reading and hashing are the expensive parts and neither depends on the order, so a long chain is split into one
/// range of sequence numbers per core, each read (its own cursor) and hashed on the thread pool at once, with the
/// links inside a range checked there. The ranges are then joined strictly in chain order (the first event of each
/// range must link to the last of the one before), so the report is exactly that of checking one event after the
/// other.
/// </para>
/// </remarks>
public sealed class AuditChainVerifier(IAuditStore store)
{
    // Below this, one range: splitting costs a query per range and a short chain is quick anyway.
    private const long MinEventsPerRange = 16_384;

    private const int ProgressStep = 4_096;

    private static readonly int Ranges = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Verifies the whole chain of the practice.</summary>
    public Task<AuditChainReport> VerifyAsync(PracticeId practiceId, CancellationToken ct) =>
        VerifyAsync(practiceId, [], null, ct);

    /// <summary>
    /// Verifies the whole chain of the practice and that it extends every checkpoint: the event at each checkpoint's
    /// sequence still has the checkpoint's hash. <paramref name="progress"/>, when given, counts the events checked.
    /// </summary>
    public Task<AuditChainReport> VerifyAsync(
        PracticeId practiceId, IReadOnlyCollection<AuditChainCheckpoint> checkpoints, AuditChainProgress? progress, CancellationToken ct) =>
        VerifyAsync(practiceId, checkpoints, [], progress, ct);

    /// <summary>
    /// Verifies the chain of the practice and that it extends every checkpoint, where the chain may start after one of
    /// <paramref name="archiveStarts"/>: heads (from signed checkpoints past the retention period) through which an
    /// operator archived and removed the events. The oldest remaining event must then be the one right after such a
    /// head and link to its hash; any other missing start is reported as events missing from sequence 1.
    /// </summary>
    public async Task<AuditChainReport> VerifyAsync(
        PracticeId practiceId,
        IReadOnlyCollection<AuditChainCheckpoint> checkpoints,
        IReadOnlyCollection<AuditChainCheckpoint> archiveStarts,
        AuditChainProgress? progress,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(archiveStarts);
        var expectedAt = new Dictionary<long, string>();
        foreach (var checkpoint in checkpoints)
        {
            if (checkpoint.Sequence >= 1 && !expectedAt.TryAdd(checkpoint.Sequence, checkpoint.Hash)
                && !string.Equals(expectedAt[checkpoint.Sequence], checkpoint.Hash, StringComparison.Ordinal))
            {
                // Two checkpoints disagree about one event: at most one can hold, so the chain cannot extend both.
                return new AuditChainReport(false, 0, checkpoint.Sequence, $"Two checkpoints name different hashes for sequence {checkpoint.Sequence}.");
            }
        }

        var newest = await store.QueryAsync(practiceId, new AuditQuery(Limit: 1), ct);
        var head = newest.Count == 0 ? 0 : newest[0].Sequence;
        var from = await ArchiveStartAsync(practiceId, archiveStarts, ct);
        if (from.Sequence > 0)
        {
            // The archived events are no longer here to check; the signed head the chain starts from stands for them.
            foreach (var archived in expectedAt.Keys.Where(s => s < from.Sequence).ToList())
            {
                expectedAt.Remove(archived);
            }
        }

        progress?.SetTotal(head - from.Sequence);
        var length = head - from.Sequence;
        var count = length < 2 * MinEventsPerRange ? 1 : (int)Math.Min(Ranges, length / MinEventsPerRange);
        var starts = Enumerable.Range(0, count).Select(i => from.Sequence + 1 + (length * i / count)).ToArray();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ranges = new Task<RangeResult>[count];
        for (var i = 0; i < count; i++)
        {
            var start = starts[i];
            var end = i + 1 < count ? starts[i + 1] : long.MaxValue;
            ranges[i] = Task.Run(() => CheckRangeAsync(practiceId, start, end, expectedAt, progress, stop.Token), stop.Token);
        }

        try
        {
            var given = from.Sequence == 0 ? checkpoints.Count : checkpoints.Count(c => c.Sequence >= from.Sequence);
            var report = await JoinAsync(ranges, from, expectedAt, given);
            return from.Sequence > 0 ? report with { ArchivedThrough = from.Sequence } : report;
        }
        finally
        {
            // Never leave range work running (or its exceptions unobserved) after returning or throwing.
            await stop.CancelAsync();
            await ((Task)Task.WhenAll(ranges)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Where the check starts: genesis, or the archive start the oldest remaining event follows and links to (only
    /// when the chain does not begin at sequence 1).
    /// </summary>
    private async Task<AuditChainHead> ArchiveStartAsync(
        PracticeId practiceId, IReadOnlyCollection<AuditChainCheckpoint> archiveStarts, CancellationToken ct)
    {
        if (archiveStarts.Count == 0)
        {
            return AuditChainHead.Genesis;
        }

        await foreach (var oldest in store.StreamAsync(practiceId, new AuditQuery(), ct))
        {
            if (oldest.Sequence <= 1)
            {
                return AuditChainHead.Genesis;
            }

            var start = archiveStarts.FirstOrDefault(a => a.Sequence == oldest.Sequence - 1
                && string.Equals(a.Hash, oldest.PreviousHash, StringComparison.Ordinal));
            return start is null ? AuditChainHead.Genesis : new AuditChainHead(start.Sequence, start.Hash);
        }

        return AuditChainHead.Genesis;
    }

    /// <summary>Joins the ranges' results in chain order into the report of a one-by-one check from <paramref name="from"/>.</summary>
    private static async Task<AuditChainReport> JoinAsync(
        Task<RangeResult>[] ranges, AuditChainHead from, Dictionary<long, string> expectedAt, int checkpointCount)
    {
        var expected = from;
        long checkedCount = 0;
        for (var i = 0; i < ranges.Length; i++)
        {
            var range = await ranges[i];
            if (range.First is not { } first)
            {
                // No event in this range: the chain ends here, unless a later range has events (a gap).
                for (var j = i + 1; j < ranges.Length; j++)
                {
                    if ((await ranges[j]).First is { } later)
                    {
                        return Broken(checkedCount + 1, expected, Gap(expected, later.Sequence));
                    }
                }

                break;
            }

            // The first event of a range, checked in the same order as every other event.
            var problem = first.Sequence != expected.Sequence + 1 ? Gap(expected, first.Sequence)
                : !string.Equals(first.PreviousHash, expected.Hash, StringComparison.Ordinal) ? LinkBroken
                : first.Problem;
            if (problem is not null)
            {
                return Broken(checkedCount + 1, expected, problem);
            }

            if (range.Problem is { } broken)
            {
                return new AuditChainReport(false, checkedCount + broken.Checked, broken.Sequence, broken.Message);
            }

            checkedCount += range.Checked;
            expected = range.Last;
        }

        // Every checkpoint must lie inside the chain: one past its end means events were removed from the end.
        var beyond = expectedAt.Keys.Where(s => s > expected.Sequence).DefaultIfEmpty().Min();
        if (beyond > 0)
        {
            return Broken(checkedCount, expected,
                $"The chain ends at sequence {expected.Sequence} but a checkpoint names sequence {beyond}: events were removed from the end.")
                with
            { CheckpointsChecked = expectedAt.Count(c => c.Key <= expected.Sequence) };
        }

        return new AuditChainReport(true, checkedCount, null, null) { CheckpointsChecked = checkpointCount };
    }

    private static AuditChainReport Broken(long checkedCount, AuditChainHead expected, string problem) =>
        new(false, checkedCount, expected.Sequence + 1, problem);

    private const string LinkBroken = "The previous-hash link does not match the preceding event.";

    private const string Altered = "The event's content does not match its hash: it was altered.";

    private static string Gap(AuditChainHead expected, long found) =>
        $"Expected sequence {expected.Sequence + 1} but found {found}: events are missing.";

    private static string CheckpointMismatch(long sequence) =>
        $"The event at sequence {sequence} no longer has the hash of a signed checkpoint: an event at or before it was rewritten.";

    /// <summary>Reads and checks the events with sequence numbers in [start, end); the first one's link is left to the join.</summary>
    private async Task<RangeResult> CheckRangeAsync(
        PracticeId practiceId, long start, long end, Dictionary<long, string> expectedAt, AuditChainProgress? progress, CancellationToken ct)
    {
        FirstEvent? first = null;
        var last = AuditChainHead.Genesis;
        long checkedCount = 0;
        var unreported = 0;
        try
        {
            await foreach (var e in store.ReadChainAsync(practiceId, start, ct))
            {
                if (e.Sequence >= end)
                {
                    break;
                }

                checkedCount++;
                if (++unreported == ProgressStep)
                {
                    progress?.Add(unreported);
                    unreported = 0;
                }

                string? problem;
                if (first is null)
                {
                    first = new FirstEvent(e.Sequence, e.PreviousHash, CheckContent(e, expectedAt));
                }
                else if ((problem = e.Sequence != last.Sequence + 1 ? Gap(last, e.Sequence)
                    : !string.Equals(e.PreviousHash, last.Hash, StringComparison.Ordinal) ? LinkBroken
                    : CheckContent(e, expectedAt)) is not null)
                {
                    return new RangeResult(first, checkedCount, last, new RangeProblem(checkedCount, last.Sequence + 1, problem));
                }

                last = new AuditChainHead(e.Sequence, e.Hash);
            }

            return new RangeResult(first, checkedCount, last, null);
        }
        finally
        {
            progress?.Add(unreported);
        }
    }

    /// <summary>The event's own hash, then its checkpoint if one names its sequence; null when both hold.</summary>
    private static string? CheckContent(AuditEvent e, Dictionary<long, string> expectedAt)
    {
        if (!AuditHasher.HashEquals(e, e.Hash))
        {
            return Altered;
        }

        return expectedAt.TryGetValue(e.Sequence, out var hash) && !string.Equals(hash, e.Hash, StringComparison.Ordinal)
            ? CheckpointMismatch(e.Sequence)
            : null;
    }

    /// <summary>A range's first event, whose link to the range before is checked by the join.</summary>
    private sealed record FirstEvent(long Sequence, string PreviousHash, string? Problem);

    /// <summary>The first broken event inside a range: how many of the range's events were read up to it, included.</summary>
    private sealed record RangeProblem(long Checked, long Sequence, string Message);

    /// <summary>What a range found.</summary>
    private sealed record RangeResult(FirstEvent? First, long Checked, AuditChainHead Last, RangeProblem? Problem);
}
