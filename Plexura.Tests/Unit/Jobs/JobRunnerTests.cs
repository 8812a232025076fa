using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Plexura.Core.Jobs;
using Plexura.Tests.Support;

namespace Plexura.Tests.Unit.Jobs;

/// <summary>
/// Job runners as hosted services on a real SQLite file with short leases and delays: retries, permanent failure and
/// Retry, takeover after a lapsed lease, heartbeats, wake-up, timeouts, shutdown, recurring jobs, and two runners
/// sharing 1,000 jobs while one of them dies.
/// </summary>
public sealed class JobRunnerTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(600);

    private readonly string _folder = TestConfiguration.NewTempFolder();
    private readonly List<JobTestHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TransientFailures_ThenSuccess_RetriedWithBackoffUntilDone()
    {
        var host = await StartHostAsync();
        host.Script.Behaviour = (context, _) => context.Attempt switch
        {
            1 => Task.FromResult(JobOutcome.RetryLater(null, "503 unavailable")),
            2 => throw new InvalidOperationException("Could not reach the service for Dana Reyes"),
            _ => Task.FromResult(JobOutcome.Done),
        };

        var job = await host.EnqueueAsync("retry/1", """{"sessionId":"s-1"}""");

        var done = await WaitForStatusAsync(host, job.Id, JobStatus.Done);
        Assert.Equal((3, "InvalidOperationException"), (done.Attempts, done.LastError));
        Assert.Equal([1, 2, 3], host.Script.Runs.Select(r => r.Attempt));
        Assert.All(host.Script.Runs, r => Assert.Equal((job.Id, """{"sessionId":"s-1"}"""), (r.JobId, r.Payload)));
        var logs = string.Join('\n', host.Logs);
        Assert.Contains("503 unavailable", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Dana Reyes", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("s-1", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentFailure_IsKeptAsFailedWithItsCode_AndRetryRunsItAgain()
    {
        var host = await StartHostAsync();
        host.Script.Behaviour = (context, _) => Task.FromResult(host.Script.Runs.Count == 1 ? JobOutcome.Failed("415 unsupported_audio") : JobOutcome.Done);
        var job = await host.EnqueueAsync("transcribe-segment/s-2/0");

        await Eventually.HoldsAsync(async () => (await host.Queue.ListFailedAsync(null, "transcribe-segment/s-2/", Ct)).Count == 1, "the job is listed as failed");
        var failed = Assert.Single(await host.Queue.ListFailedAsync(null, "transcribe-segment/s-2/", Ct));
        Assert.Equal((job.Id, 1, "415 unsupported_audio"), (failed.Id, failed.Attempts, failed.LastError));
        Assert.Single(host.Script.Runs);

        Assert.True(await host.Queue.RetryAsync(null, job.DedupeKey, Ct));

        var done = await WaitForStatusAsync(host, job.Id, JobStatus.Done);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(2, host.Script.Runs.Count);
    }

    [Fact]
    public async Task TransientFailures_UntilMaxAttempts_FailWithTheLastCode()
    {
        var host = await StartHostAsync();
        host.Script.Behaviour = (_, _) => Task.FromResult(JobOutcome.RetryLater(TimeSpan.FromMilliseconds(1), "500 internal"));

        var job = await host.EnqueueAsync("always-down");

        var failed = await WaitForStatusAsync(host, job.Id, JobStatus.Failed);
        Assert.Equal((4, "500 internal"), (failed.Attempts, failed.LastError));
        Assert.Equal(4, host.Script.Runs.Count);
    }

    [Fact]
    public async Task LeaseOfADeadRunner_Lapses_AndTheJobIsTakenOver()
    {
        var host = await CreateHostAsync();
        var job = await host.EnqueueAsync("orphan");
        var dead = await host.Store.UpdateAsync(job.Claim("instance-that-died", DateTimeOffset.UtcNow, Lease), Ct);
        await host.StartAsync();

        var done = await WaitForStatusAsync(host, job.Id, JobStatus.Done);

        Assert.Equal(2, done.Attempts);
        Assert.Equal(2, Assert.Single(host.Script.Runs).Attempt);
        Assert.True(DateTimeOffset.UtcNow >= dead.LeaseExpiresAt);
    }

    [Fact]
    public async Task LongJob_HeartbeatsKeepItsLease_SoAnotherRunnerNeverTakesItOver()
    {
        var first = await StartHostAsync();
        var second = await StartHostAsync();
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Script.Behaviour = second.Script.Behaviour = async (_, _) =>
        {
            await finish.Task;
            return JobOutcome.Done;
        };
        var job = await first.EnqueueAsync("long");
        await Eventually.HoldsAsync(async () => (await first.GetAsync(job.Id)).Status == JobStatus.Running, "a runner holds the job");
        var claimed = await first.GetAsync(job.Id);

        // Three lease lengths on, the lease was renewed all along.
        await Eventually.HoldsAsync(
            async () => (await first.GetAsync(job.Id)).LeaseExpiresAt > claimed.LeaseExpiresAt + (3 * Lease),
            "the lease has been renewed for three lease lengths");
        finish.SetResult();

        var done = await WaitForStatusAsync(first, job.Id, JobStatus.Done);
        Assert.Equal(1, done.Attempts);
        Assert.Single(first.Script.Runs.Concat(second.Script.Runs));
    }

    [Fact]
    public async Task Enqueue_InThisProcess_WakesTheRunnerAtOnce()
    {
        var host = await StartHostAsync(new() { ["PollInterval"] = "01:00:00" });
        await Eventually.HoldsAsync(() => host.Runner.ExecuteTask is { IsCompleted: false }, "the runner is running");

        var job = await host.EnqueueAsync("wake");

        await WaitForStatusAsync(host, job.Id, JobStatus.Done);
    }

    [Fact]
    public async Task Run_LongerThanTheRunTimeout_IsCutOffAndRetried()
    {
        var host = await StartHostAsync(new() { ["RunTimeout"] = "00:00:00.200" });
        host.Script.Behaviour = async (context, ct) =>
        {
            if (context.Attempt == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return JobOutcome.Done;
        };

        var job = await host.EnqueueAsync("slow");

        var done = await WaitForStatusAsync(host, job.Id, JobStatus.Done);
        Assert.Equal((2, "timeout"), (done.Attempts, done.LastError));
    }

    [Fact]
    public async Task Shutdown_HandsTheRunningJobBackDueAtOnceWithoutSpendingAnAttempt()
    {
        var host = await StartHostAsync();
        host.Script.Behaviour = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return JobOutcome.Done;
        };
        var job = await host.EnqueueAsync("interrupted");
        await Eventually.HoldsAsync(() => !host.Script.Runs.IsEmpty, "the job runs");

        await host.Runner.StopAsync(Ct);

        var back = await host.GetAsync(job.Id);
        Assert.Equal((JobStatus.Pending, 0, (string?)null), (back.Status, back.Attempts, back.LeaseOwner));
    }

    [Fact]
    public async Task RecurringJob_RunsAgainEachPeriod_AsOneStoredJob()
    {
        var host = await StartHostAsync(configure: services => services.AddRecurringJob<RecurringTestJobHandler>(TimeSpan.FromMilliseconds(100)));

        await Eventually.HoldsAsync(() => host.Script.Runs.Count(r => r.Kind == RecurringTestJobHandler.JobKind) >= 3, "the recurring job ran three times");

        var job = (await host.Store.FindByDedupeKeyAsync(RecurringJob.DedupeKeyOf(RecurringTestJobHandler.JobKind), Ct))!;
        Assert.Contains(job.Status, new[] { JobStatus.Pending, JobStatus.Running });
        Assert.Null(job.ForPracticeId);
        Assert.Single(host.Script.Runs.Select(r => r.JobId).Distinct());
    }

    /// <summary>
    /// The test: two runners on one SQLite file take 1,000 jobs; halfway, one of them freezes with jobs in hand
    /// and is stopped (as a crashed instance: no heartbeats, no outcomes). Its leases lapse, the other runner takes those
    /// jobs over, and every job ends done with its (idempotent) effect stored exactly once.
    /// </summary>
    [Fact]
    public async Task TwoRunners_OneDiesHalfway_EveryOneOfAThousandJobsTakesEffectExactlyOnce()
    {
        const int Jobs = 1000;
        var settings = new Dictionary<string, string> { ["Concurrency"] = "4", ["LeaseDuration"] = "00:00:01", ["PollInterval"] = "00:00:00.200" };
        var effects = new EffectTable(Path.Combine(_folder, "effects.db"));
        await effects.CreateAsync();
        var survivor = await StartHostAsync(settings);
        var doomed = await StartHostAsync(settings);
        var frozen = false;
        var frozenRuns = new ConcurrentDictionary<JobId, bool>();
        var thaw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        survivor.Script.Behaviour = async (context, _) =>
        {
            await effects.ApplyAsync(context.JobId, "survivor");
            return JobOutcome.Done;
        };
        doomed.Script.Behaviour = async (context, _) =>
        {
            await effects.ApplyAsync(context.JobId, "doomed");
            if (Volatile.Read(ref frozen))
            {
                // Effect done, outcome never recorded: the instance hangs, then dies.
                frozenRuns[context.JobId] = true;
                await thaw.Task;
            }

            return JobOutcome.Done;
        };

        var ids = new List<JobId>();
        for (var i = 0; i < Jobs; i++)
        {
            ids.Add((await survivor.EnqueueAsync($"effect/{i}", $$"""{"n":{{i}}}""")).Id);
        }

        await Eventually.HoldsAsync(async () => await effects.CountAsync() >= Jobs / 2, "half the jobs took effect", TimeSpan.FromSeconds(60));
        Volatile.Write(ref frozen, true);
        await Eventually.HoldsAsync(() => frozenRuns.Count == 4, "the doomed runner is stuck with four jobs in hand", TimeSpan.FromSeconds(60));
        await doomed.KillAsync();

        await Eventually.HoldsAsync(
            async () => !(await survivor.Store.ListUnfinishedAsync(Ct)).Any(j => j.DedupeKey.StartsWith("effect/", StringComparison.Ordinal)),
            "every job is finished",
            TimeSpan.FromSeconds(60));

        Assert.Equal(Jobs, await effects.CountAsync());
        Assert.Equal(ids.Select(id => id.ToString()).Order(), (await effects.JobIdsAsync()).Order());
        foreach (var id in frozenRuns.Keys)
        {
            var job = await survivor.GetAsync(id);
            Assert.Equal((JobStatus.Done, 2), (job.Status, job.Attempts));
        }

        Assert.Contains(survivor.Script.Runs, r => frozenRuns.ContainsKey(r.JobId));
        var doneCount = 0;
        foreach (var id in ids)
        {
            doneCount += (await survivor.GetAsync(id)).Status == JobStatus.Done ? 1 : 0;
        }

        Assert.Equal(Jobs, doneCount);

        // The frozen instance wakes up late: its stale outcomes lose to the survivor's, and nothing changes.
        thaw.SetResult();
        await Eventually.HoldsAsync(() => doomed.Runner.ExecuteTask!.IsCompleted, "the doomed runner stops");
        Assert.Contains(doomed.Logs, l => l.Contains("Lost the lease", StringComparison.Ordinal));
        foreach (var id in frozenRuns.Keys)
        {
            Assert.Equal((JobStatus.Done, 2), ((await survivor.GetAsync(id)).Status, (await survivor.GetAsync(id)).Attempts));
        }
    }

    private static async Task<Job> WaitForStatusAsync(JobTestHost host, JobId id, JobStatus status)
    {
        await Eventually.HoldsAsync(async () => (await host.GetAsync(id)).Status == status, $"the job is {status}");
        return await host.GetAsync(id);
    }

    private async Task<JobTestHost> CreateHostAsync(Dictionary<string, string>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configure = null)
    {
        var all = new Dictionary<string, string>
        {
            ["LeaseDuration"] = Lease.ToString(),
            ["PollInterval"] = "00:00:00.100",
            ["RetryBaseDelay"] = "00:00:00.020",
            ["RetryMaxDelay"] = "00:00:00.200",
            ["MaxAttempts"] = "4",
            ["Concurrency"] = "4",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var host = await JobTestHost.CreateAsync(_folder, all, configure: configure);
        _hosts.Add(host);
        return host;
    }

    private async Task<JobTestHost> StartHostAsync(Dictionary<string, string>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configure = null)
    {
        var host = await CreateHostAsync(settings, configure);
        await host.StartAsync();
        return host;
    }

    /// <summary>The jobs' effect: a row keyed by job id, inserted idempotently (a second run of a job changes nothing).</summary>
    private sealed class EffectTable(string path)
    {
        private readonly string _connectionString = $"Data Source={path};Pooling=True;Default Timeout=30";

        public async Task CreateAsync() => await ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE effects (job_id TEXT NOT NULL PRIMARY KEY, runner TEXT NOT NULL)");

        public Task ApplyAsync(JobId id, string runner) =>
            ExecuteAsync("INSERT INTO effects (job_id, runner) VALUES ($id, $runner) ON CONFLICT (job_id) DO NOTHING", ("$id", id.ToString()), ("$runner", runner));

        public async Task<long> CountAsync()
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(DISTINCT job_id) FROM effects";
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async Task<List<string>> JobIdsAsync()
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT job_id FROM effects";
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }

        private async Task ExecuteAsync(string sql, params (string Name, string Value)[] parameters)
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            await command.ExecuteNonQueryAsync();
        }
    }
}
