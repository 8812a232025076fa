using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The durable job queue's storage on every engine: dedupe, versioned claims, failed jobs and Retry, the queue's stats.</summary>
public abstract class JobStoreContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private IJobStore Store => fixture.Get<IJobStore>();

    private IJobQueue Queue => fixture.Get<IJobQueue>();

    [EngineFact]
    public async Task Enqueue_StoresAPendingJobDueNow()
    {
        var practice = PracticeId.New();
        var key = NewKey("transcribe-segment");

        await Queue.EnqueueAsync(new JobRequest("transcribe-segment", practice, """{"index":3}""", key), Ct);

        var job = await Store.FindByDedupeKeyAsync(key, Ct);
        Assert.NotNull(job);
        Assert.Equal(("transcribe-segment", practice, """{"index":3}""", key), (job.Kind, job.ForPracticeId, job.Payload, job.DedupeKey));
        Assert.Equal((JobStatus.Pending, 0, fixture.Time.GetUtcNow(), 0L), (job.Status, job.Attempts, job.NotBefore, job.Version));
        Assert.Equal(job, await Store.GetAsync(job.Id, Ct));
        Assert.Contains(job, await Store.ListUnfinishedAsync(Ct));
    }

    [EngineFact]
    public async Task Enqueue_WithNotBefore_IsDueThen()
    {
        var key = NewKey("later");
        var at = fixture.Time.GetUtcNow().AddHours(1);

        await Queue.EnqueueAsync(new JobRequest("later", null, "{}", key, at), Ct);

        var job = (await Store.FindByDedupeKeyAsync(key, Ct))!;
        Assert.Equal(at, job.NotBefore);
        Assert.False(job.IsDueAt(fixture.Time.GetUtcNow()));
    }

    [EngineFact]
    public async Task Enqueue_SameDedupeKeyTwice_KeepsOneJob()
    {
        var key = NewKey("dedupe");

        await Queue.EnqueueAsync(new JobRequest("dedupe", null, """{"n":1}""", key), Ct);
        await Queue.EnqueueAsync(new JobRequest("dedupe", null, """{"n":2}""", key), Ct);

        var jobs = (await Store.ListUnfinishedAsync(Ct)).Where(j => j.DedupeKey == key).ToList();
        Assert.Equal("""{"n":1}""", Assert.Single(jobs).Payload);
    }

    [EngineFact]
    public async Task Enqueue_SameDedupeKeyConcurrently_KeepsOneJob()
    {
        var key = NewKey("concurrent");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Queue.EnqueueAsync(new JobRequest("concurrent", null, "{}", key), Ct))));

        Assert.Single(await Store.ListUnfinishedAsync(Ct), j => j.DedupeKey == key);
    }

    [EngineFact]
    public async Task Add_ExistingDedupeKeyUnderAnotherId_ThrowsDuplicate()
    {
        var key = NewKey("dup");
        var now = fixture.Time.GetUtcNow();
        await Store.AddAsync(Job.From(new JobRequest("dup", null, "{}", key), now), Ct);

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Store.AddAsync(Job.From(new JobRequest("dup", null, "{}", key), now), Ct));
    }

    [EngineFact]
    public async Task Enqueue_FinishedJobsKey_DoesNotRunItAgain()
    {
        var job = await EnqueueAsync("finished");
        var claimed = await Store.UpdateAsync(job.Claim("runner-a", fixture.Time.GetUtcNow(), Lease), Ct);
        await Store.UpdateAsync(claimed.Completed(fixture.Time.GetUtcNow()), Ct);

        await Queue.EnqueueAsync(new JobRequest(job.Kind, null, "{}", job.DedupeKey), Ct);

        Assert.Equal(JobStatus.Done, (await Store.GetAsync(job.Id, Ct))!.Status);
        Assert.DoesNotContain(await Store.ListUnfinishedAsync(Ct), j => j.Id == job.Id);
    }

    [EngineFact]
    public async Task DeleteDoneBefore_DeletesDoneJobsFinishedBeforeTheCutoff_AndKeepsEveryOtherJob()
    {
        var done = await FinishAsync(await EnqueueAsync("cleanup"), j => j.Completed(Now));
        var failed = await FinishAsync(await EnqueueAsync("cleanup"), j => j.Failed(Now, "500"));
        var pending = await EnqueueAsync("cleanup");
        var running = await Store.UpdateAsync((await EnqueueAsync("cleanup")).Claim("runner-a", Now, Lease), Ct);
        var recurring = await FinishAsync(await EnqueueAsync("cleanup", RecurringJob.DedupeKeyOf($"cleanup-{Guid.NewGuid():N}")), j => j.Completed(Now));
        var finishesLate = await EnqueueAsync("cleanup");
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var cutoff = Now;
        await FinishAsync(finishesLate, j => j.Completed(Now));
        var young = await FinishAsync(await EnqueueAsync("cleanup"), j => j.Completed(Now));

        var deleted = await Store.DeleteDoneBeforeAsync(cutoff, Ct);

        Assert.InRange(deleted, 1, int.MaxValue);
        Assert.Null(await Store.GetAsync(done.Id, Ct));
        foreach (var kept in new[] { failed, pending, running, recurring, finishesLate, young })
        {
            Assert.NotNull(await Store.GetAsync(kept.Id, Ct));
        }

        // The deleted job's key is free again: the same work could be queued anew (callers stop queueing it long before).
        await Queue.EnqueueAsync(new JobRequest(done.Kind, null, "{}", done.DedupeKey), Ct);
        Assert.Equal(JobStatus.Pending, (await Store.FindByDedupeKeyAsync(done.DedupeKey, Ct))!.Status);
        Assert.Equal(0, await Store.DeleteDoneBeforeAsync(cutoff, Ct));
    }

    [EngineFact]
    public async Task Update_TwoRunnersClaimTheSameRead_OnlyTheFirstWins()
    {
        var job = await EnqueueAsync("claim");
        var read = (await Store.GetAsync(job.Id, Ct))!;

        var won = await Store.UpdateAsync(read.Claim("runner-a", fixture.Time.GetUtcNow(), Lease), Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(read.Claim("runner-b", fixture.Time.GetUtcNow(), Lease), Ct));
        Assert.Equal(("runner-a", 1, 1L), (won.LeaseOwner, won.Attempts, won.Version));
        Assert.Equal("runner-a", (await Store.GetAsync(job.Id, Ct))!.LeaseOwner);
    }

    [EngineFact]
    public async Task Update_HeartbeatAfterATakeover_Conflicts()
    {
        var job = await EnqueueAsync("heartbeat");
        var mine = await Store.UpdateAsync(job.Claim("runner-a", fixture.Time.GetUtcNow(), Lease), Ct);
        var now = fixture.Time.GetUtcNow() + Lease;
        await Store.UpdateAsync(mine.Claim("runner-b", now, Lease), Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync(mine.Heartbeat(now, Lease), Ct));
    }

    [EngineFact]
    public async Task ListFailed_AndRetry_RunAFailedJobAgainFromNothing()
    {
        var practice = PracticeId.New();
        var prefix = $"transcribe-segment/{Guid.NewGuid():N}/";
        var failedJob = await EnqueueAsync("transcribe-segment", prefix + "0", practice);
        var pendingJob = await EnqueueAsync("transcribe-segment", prefix + "1", practice);
        var claimed = await Store.UpdateAsync(failedJob.Claim("runner-a", fixture.Time.GetUtcNow(), Lease), Ct);
        await Store.UpdateAsync(claimed.Failed(fixture.Time.GetUtcNow(), "422 unsupported_audio"), Ct);

        var failed = Assert.Single(await Queue.ListFailedAsync(practice, prefix, Ct));
        Assert.Equal((failedJob.Id, JobStatus.Failed, 1, "422 unsupported_audio"), (failed.Id, failed.Status, failed.Attempts, failed.LastError));
        Assert.Empty(await Queue.ListFailedAsync(PracticeId.New(), prefix, Ct));
        Assert.Empty(await Queue.ListFailedAsync(null, prefix, Ct));

        fixture.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.False(await Queue.RetryAsync(PracticeId.New(), failed.DedupeKey, Ct));
        Assert.False(await Queue.RetryAsync(practice, pendingJob.DedupeKey, Ct));
        Assert.False(await Queue.RetryAsync(practice, prefix + "nothing", Ct));
        Assert.True(await Queue.RetryAsync(practice, failed.DedupeKey, Ct));

        var again = (await Store.GetAsync(failed.Id, Ct))!;
        Assert.Equal((JobStatus.Pending, 0, fixture.Time.GetUtcNow(), (DateTimeOffset?)null), (again.Status, again.Attempts, again.NotBefore, again.FinishedAt));
        Assert.Empty(await Queue.ListFailedAsync(practice, prefix, Ct));
    }

    [EngineFact]
    public async Task GetStats_CountsWaitingRunningAndScheduledAndAgesTheOldestWaiting()
    {
        // Counted against the stats before, since the fixture's database is shared by the class's tests; a day on,
        // every lease those tests took has lapsed and stays so for this test's 45 seconds.
        fixture.Time.Advance(TimeSpan.FromDays(1));
        var before = await Queue.GetStatsAsync(Ct);
        var oldest = await EnqueueAsync("stats");
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await EnqueueAsync("stats");
        var running = await EnqueueAsync("stats");
        await Store.UpdateAsync(running.Claim("runner-a", fixture.Time.GetUtcNow(), Lease), Ct);
        await Queue.EnqueueAsync(new JobRequest("stats", null, "{}", NewKey("stats"), fixture.Time.GetUtcNow().AddHours(1)), Ct);
        fixture.Time.Advance(TimeSpan.FromSeconds(15));

        var stats = await Queue.GetStatsAsync(Ct);

        Assert.Equal((before.Waiting + 2, before.Running + 1, before.Scheduled + 1), (stats.Waiting, stats.Running, stats.Scheduled));
        Assert.True(stats.OldestWaitingAge >= fixture.Time.GetUtcNow() - oldest.NotBefore);
    }

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private static string NewKey(string kind) => $"{kind}/{Guid.NewGuid():N}";

    /// <summary>Claims the job and stores the outcome <paramref name="finish"/> gives it.</summary>
    private async Task<Job> FinishAsync(Job job, Func<Job, Job> finish)
    {
        var claimed = await Store.UpdateAsync(job.Claim("runner-a", Now, Lease), Ct);
        return await Store.UpdateAsync(finish(claimed), Ct);
    }

    private async Task<Job> EnqueueAsync(string kind, string? key = null, PracticeId? practice = null)
    {
        key ??= NewKey(kind);
        await Queue.EnqueueAsync(new JobRequest(kind, practice, "{}", key), Ct);
        return (await Store.FindByDedupeKeyAsync(key, Ct))!;
    }
}

public sealed class SqliteJobStoreContractTests(SqliteStorageFixture fixture)
    : JobStoreContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoJobStoreContractTests(MongoStorageFixture fixture)
    : JobStoreContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
