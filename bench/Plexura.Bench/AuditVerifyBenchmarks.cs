using System.Diagnostics;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Bench;

/// <summary>
/// audit-verify: the chain verification rate of one practice's chain of <c>--verify-events</c> events on SQLite.
/// </summary>
/// <remarks>
/// The chain is seeded by <see cref="AuditChainSeeder.EnsureTypicalChainAsync"/> (straight into the table, every row
/// hashed by the real <see cref="AuditHasher"/>); the verification is the app's own <see cref="AuditChainVerifier"/>
/// over the app's own store. Each timed run must report the chain valid with exactly
/// the seeded count, or the benchmark fails.
/// </remarks>
internal sealed class AuditVerifyBenchmarks(AuditChainVerifier verifier, IAuditStore store, string databasePath, BenchOptions options)
{
    private const double VerifyAim = 500_000;
    private const int TimedRuns = 3;

    public async Task<ScenarioResult> RunAsync()
    {
        var count = options.VerifyEvents;
        var (practice, _) = await AuditChainSeeder.EnsureTypicalChainAsync(databasePath, count);

        // Warm-up: JIT and page cache.
        await VerifyExpectingAsync(practice, count);
        await ProfileAsync(practice);
        var best = double.MaxValue;
        var bestCpu = 0.0;
        for (var run = 1; run <= TimedRuns; run++)
        {
            var cpu = CpuTime();
            var stopwatch = Stopwatch.StartNew();
            await VerifyExpectingAsync(practice, count);
            stopwatch.Stop();
            cpu = CpuTime() - cpu;
            Console.WriteLine($"    run {run}: {stopwatch.Elapsed.TotalSeconds:N2} s, {count / stopwatch.Elapsed.TotalSeconds:N0} events/s, CPU {cpu * 1e6 / count:N2} us/ev");
            if (stopwatch.Elapsed.TotalSeconds < best)
            {
                best = stopwatch.Elapsed.TotalSeconds;
                bestCpu = cpu;
            }
        }

        return new ScenarioResult($"audit-verify, one chain of {count:N0} (best of {TimedRuns})", count, best, null, null, bestCpu, VerifyAim);
    }

    private async Task VerifyExpectingAsync(PracticeId practice, long expected)
    {
        var report = await verifier.VerifyAsync(practice, CancellationToken.None);
        if (!report.IsValid || report.EventsChecked != expected)
        {
            throw new InvalidOperationException(
                $"The seeded chain did not verify: valid={report.IsValid}, checked={report.EventsChecked} (expected {expected}), " +
                $"first broken={report.FirstBrokenSequence}, problem={report.Problem}");
        }
    }

    /// <summary>Where the time goes: the store's read alone, and the hashing alone on one thread.</summary>
    private async Task ProfileAsync(PracticeId practice)
    {
        var cpu = CpuTime();
        var stopwatch = Stopwatch.StartNew();
        var sample = new List<AuditEvent>(100_000);
        long read = 0;
        await foreach (var e in store.ReadChainAsync(practice, 1, CancellationToken.None))
        {
            read++;
            if (sample.Count < sample.Capacity)
            {
                sample.Add(e);
            }
        }

        var readSeconds = stopwatch.Elapsed.TotalSeconds;
        cpu = CpuTime() - cpu;
        stopwatch.Restart();
        var matches = 0;
        foreach (var e in sample)
        {
            matches += AuditHasher.HashEquals(e, e.Hash) ? 1 : 0;
        }

        var hashSeconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine($"    store read alone: {read / readSeconds:N0} events/s (CPU {cpu * 1e6 / read:N2} us/ev); hashing alone, one thread: {matches / hashSeconds:N0} events/s");
    }

    private static double CpuTime() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
