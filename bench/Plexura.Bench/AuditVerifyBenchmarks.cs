using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Bench;

/// <summary>
/// audit-verify: the chain verification rate of one practice's chain of <c>--verify-events</c> events on SQLite.
/// </summary>
/// <remarks>
/// The chain is seeded fast, straight into the <c>audit_events</c> table in one transaction, with every row hashed by
/// the real <see cref="AuditHasher"/> exactly as the log would (only the seeding bypasses the log; the verification is
/// the app's own <see cref="AuditChainVerifier"/> over the app's own store). A few events of a second practice are
/// interleaved, so the index holds other practices' rows too. Each timed run must report the chain valid with exactly
/// the seeded count, or the benchmark fails.
/// </remarks>
internal sealed class AuditVerifyBenchmarks(AuditChainVerifier verifier, IAuditStore store, string databasePath, BenchOptions options)
{
    private const double VerifyAim = 500_000;
    private const int TimedRuns = 3;

    private const string UserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private static readonly AuditAction[] Actions = [AuditAction.PhiViewed, AuditAction.Updated, AuditAction.Created, AuditAction.Exported];

    public async Task<ScenarioResult> RunAsync()
    {
        var practice = PracticeId.New();
        var count = options.VerifyEvents;
        var seed = Stopwatch.StartNew();
        await SeedAsync(practice, count);
        await SeedAsync(PracticeId.New(), Math.Max(1, count / 100));
        Console.WriteLine($"Seeded {count:N0} events (bulk insert, real AuditHasher) in {seed.Elapsed.TotalSeconds:N1} s");

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

    private async Task SeedAsync(PracticeId practice, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            "INSERT INTO audit_events (id, practice_id, sequence, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, " +
            "action, target_type, target_id, client_id, result, details, previous_hash, hash) VALUES " +
            "($id, $p, $seq, $ts, $uid, $email, $ip, $ua, $action, $tt, $tid, $cid, $result, $details, $prev, $hash)";
        var names = new[] { "$id", "$p", "$seq", "$ts", "$uid", "$email", "$ip", "$ua", "$action", "$tt", "$tid", "$cid", "$result", "$details", "$prev", "$hash" };
        var p = names.Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
        insert.Prepare();

        var actors = Enumerable.Range(0, 8).Select(i => (Id: UserId.New(), Email: $"clinician{i}@example-clinic.org")).ToArray();
        var head = AuditChainHead.Genesis;
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        start = DateTimeOffset.FromUnixTimeMilliseconds(start.ToUnixTimeMilliseconds());
        for (var i = 0; i < count; i++)
        {
            var actor = actors[i % actors.Length];
            var e = new AuditEvent(
                Guid.CreateVersion7(),
                practice,
                head.Sequence + 1,
                start.AddMilliseconds(i * 7L),
                actor.Id,
                actor.Email,
                $"10.20.{(i >> 8) & 0xFF}.{i & 0xFF}",
                UserAgent,
                Actions[i % Actions.Length],
                "client",
                Guid.CreateVersion7().ToString("D"),
                i % 3 == 0 ? Guid.CreateVersion7().ToString("D") : null,
                AuditResult.Success,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["noteId"] = Guid.CreateVersion7().ToString("D"),
                    ["reason"] = "treatment",
                },
                head.Hash,
                Hash: string.Empty);
            e = e with { Hash = AuditHasher.ComputeHash(e) };

            p[0].Value = e.Id.ToString("D");
            p[1].Value = practice.ToString();
            p[2].Value = e.Sequence;
            p[3].Value = e.Timestamp.ToUnixTimeMilliseconds();
            p[4].Value = e.ActorUserId!.Value.ToString();
            p[5].Value = e.ActorEmail;
            p[6].Value = e.SourceIp;
            p[7].Value = e.UserAgent;
            p[8].Value = e.Action.ToString();
            p[9].Value = e.TargetType;
            p[10].Value = e.TargetId;
            p[11].Value = (object?)e.ClientId ?? DBNull.Value;
            p[12].Value = e.Result.ToString();
            p[13].Value = JsonSerializer.Serialize(e.Details);
            p[14].Value = e.PreviousHash;
            p[15].Value = e.Hash;
            await insert.ExecuteNonQueryAsync();
            head = new AuditChainHead(e.Sequence, e.Hash);
        }

        await transaction.CommitAsync();
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
