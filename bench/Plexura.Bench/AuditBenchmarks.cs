using System.Diagnostics;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Bench;

/// <summary>One measured scenario.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Events">Events appended or verified in the timed run.</param>
/// <param name="Seconds">Wall-clock time of the timed run.</param>
/// <param name="LatencyP50Ms">Median latency of one append, or null for verification.</param>
/// <param name="LatencyP99Ms">99th percentile latency of one append, or null for verification.</param>
/// <param name="CpuSeconds">Processor time the whole process used during the timed run (all threads).</param>
/// <param name="Aim">The events/s this machine should reach.</param>
internal sealed record ScenarioResult(string Name, long Events, double Seconds, double? LatencyP50Ms, double? LatencyP99Ms, double CpuSeconds, double Aim)
{
    public double Rate => Events / Seconds;

    /// <summary>CPU microseconds per event: steadier than the rate when other processes share the machine.</summary>
    public double CpuMicrosPerEvent => CpuSeconds * 1e6 / Events;
}

/// <summary>The audit-log scenarios: appends with one or several writers, and verification of a long chain.</summary>
/// <remarks>
/// Every scenario writes into practices of its own, so each chain can be verified afterwards: the benchmark fails
/// (rather than reports a rate) if any chain it produced does not verify with exactly the expected event count.
/// </remarks>
internal sealed class AuditBenchmarks(IAuditLog log, AuditChainVerifier verifier, BenchOptions options)
{
    private const double AppendAim = 5_000;
    private const double VerifyAim = 500_000;

    // A realistic browser user agent of about 100 characters.
    private const string UserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private static readonly AuditAction[] Actions = [AuditAction.PhiViewed, AuditAction.Updated, AuditAction.Created, AuditAction.Exported];

    // Expected final length of every chain written, checked by VerifyWrittenChainsAsync.
    private readonly Dictionary<PracticeId, long> _written = [];

    public async Task<IReadOnlyList<ScenarioResult>> RunAllAsync()
    {
        var results = new List<ScenarioResult>
        {
            await AppendScenarioAsync("(a) append, 1 writer, 1 practice", writers: 1, practicesShared: true),
            await AppendScenarioAsync($"(b) append, {options.Writers} writers, 1 practice", options.Writers, practicesShared: true),
            await AppendScenarioAsync($"(c) append, {options.Writers} writers, {options.Writers} practices", options.Writers, practicesShared: false),
            await VerifyScenarioAsync(),
        };
        await VerifyWrittenChainsAsync();
        return results;
    }

    private async Task<ScenarioResult> AppendScenarioAsync(string name, int writers, bool practicesShared)
    {
        var practices = Enumerable.Range(0, practicesShared ? 1 : writers).Select(_ => PracticeId.New()).ToArray();
        Console.WriteLine($"{name}: warm-up {options.Warmup:N0}, timed {options.Events:N0} ...");

        await AppendConcurrentlyAsync(practices, writers, options.Warmup);
        var cpu = CpuTime();
        var (seconds, latencies) = await AppendConcurrentlyAsync(practices, writers, options.Events);
        cpu = CpuTime() - cpu;

        var result = new ScenarioResult(name, options.Events, seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), cpu, AppendAim);
        ResultTable.PrintLine(result);
        return result;
    }

    private async Task<ScenarioResult> VerifyScenarioAsync()
    {
        const string name = "(d) verify one chain";
        var practice = PracticeId.New();

        // The chain is written through the real log (with all writers, to keep set-up short); only reading is timed.
        Console.WriteLine($"{name}: writing a chain of {options.VerifyEvents:N0} events ...");
        var (seedSeconds, _) = await AppendConcurrentlyAsync([practice], options.Writers, options.VerifyEvents);
        Console.WriteLine($"    (chain written in {seedSeconds:N1} s, {options.VerifyEvents / seedSeconds:N0} appends/s with {options.Writers} writers)");

        // Warm-up: one untimed verification of the same chain (JIT, page cache).
        await VerifyExpectingAsync(practice, options.VerifyEvents);
        var cpu = CpuTime();
        var stopwatch = Stopwatch.StartNew();
        await VerifyExpectingAsync(practice, options.VerifyEvents);
        stopwatch.Stop();
        cpu = CpuTime() - cpu;

        var result = new ScenarioResult(name, options.VerifyEvents, stopwatch.Elapsed.TotalSeconds, null, null, cpu, VerifyAim);
        ResultTable.PrintLine(result);
        return result;
    }

    /// <summary>Appends <paramref name="total"/> events with <paramref name="writers"/> concurrent loops.</summary>
    /// <remarks>Writer <c>w</c> appends into <c>practices[w % practices.Length]</c>; each loop awaits every append.</remarks>
    private async Task<(double Seconds, long[] LatencyTicks)> AppendConcurrentlyAsync(PracticeId[] practices, int writers, int total)
    {
        var latencies = new long[total];
        var next = -1;
        using var start = new ManualResetEventSlim();
        var loops = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var practice = practices[w % practices.Length];
            var actor = new AuditActor(UserId.New(), $"clinician{w}@example-clinic.org");
            start.Wait();
            var appended = 0;
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var begun = Stopwatch.GetTimestamp();
                await log.RecordAsync(Entry(practice, actor, i), CancellationToken.None);
                latencies[i] = Stopwatch.GetTimestamp() - begun;
                appended++;
            }

            return (practice, appended);
        })).ToArray();

        var stopwatch = Stopwatch.StartNew();
        start.Set();
        var counts = await Task.WhenAll(loops);
        stopwatch.Stop();

        // Remember how long each chain must now be, for the final verification.
        foreach (var (practice, appended) in counts)
        {
            _written[practice] = _written.GetValueOrDefault(practice) + appended;
        }

        return (stopwatch.Elapsed.TotalSeconds, latencies);
    }

    private static AuditEntry Entry(PracticeId practice, AuditActor actor, int i) => new(
        practice,
        actor,
        SourceIp: $"10.20.{(i >> 8) & 0xFF}.{i & 0xFF}",
        UserAgent,
        Actions[i % Actions.Length],
        TargetType: "client",
        TargetId: Guid.CreateVersion7().ToString("D"),
        ClientId: null,
        AuditResult.Success,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["noteId"] = Guid.CreateVersion7().ToString("D"),
            ["reason"] = "treatment",
        });

    private async Task VerifyExpectingAsync(PracticeId practice, long expected)
    {
        var report = await verifier.VerifyAsync(practice, CancellationToken.None);
        if (!report.IsValid || report.EventsChecked != expected)
        {
            throw new InvalidOperationException(
                $"Chain of practice {practice} did not verify: valid={report.IsValid}, checked={report.EventsChecked} " +
                $"(expected {expected}), first broken={report.FirstBrokenSequence}, problem={report.Problem}");
        }
    }

    private async Task VerifyWrittenChainsAsync()
    {
        foreach (var (practice, expected) in _written)
        {
            await VerifyExpectingAsync(practice, expected);
        }

        Console.WriteLine($"All {_written.Count} chains written by the benchmark verify, with the expected event counts.");
    }

    private static double CpuTime() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static double Percentile(long[] ticks, double fraction)
    {
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        var index = (int)Math.Min(sorted.Length - 1, Math.Ceiling(fraction * sorted.Length) - 1);
        return sorted[Math.Max(0, index)] * 1000.0 / Stopwatch.Frequency;
    }
}
