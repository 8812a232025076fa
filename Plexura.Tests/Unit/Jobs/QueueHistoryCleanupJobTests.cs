using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Email;
using Plexura.Core.Jobs;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Jobs;

/// <summary>The recurring cleanup of the stored queues' history, over the real SQLite stores.</summary>
public sealed class QueueHistoryCleanupJobTests(SqliteStorageFixture fixture) : IClassFixture<SqliteStorageFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Run_DeletesFinishedJobsAndEmails_OnlyOnceTheyAreOlderThan30Days()
    {
        var store = fixture.Get<IJobStore>();
        var outbox = fixture.Get<IOutboxRepository>();
        var key = $"cleanup-test/{Guid.NewGuid():N}";
        await fixture.Get<IJobQueue>().EnqueueAsync(new JobRequest("cleanup-test", null, "{}", key), Ct);
        var job = (await store.FindByDedupeKeyAsync(key, Ct))!;
        var now = fixture.Time.GetUtcNow();
        job = await store.UpdateAsync(job.Claim("runner-a", now, TimeSpan.FromMinutes(1)), Ct);
        job = await store.UpdateAsync(job.Completed(now), Ct);
        var email = OutboxMessage.Suppressed("password-reset", now);
        await outbox.AddAsync(email, Ct);
        var failedKey = $"cleanup-test/{Guid.NewGuid():N}";
        await fixture.Get<IJobQueue>().EnqueueAsync(new JobRequest("cleanup-test", null, "{}", failedKey), Ct);
        var failed = (await store.FindByDedupeKeyAsync(failedKey, Ct))!;
        failed = await store.UpdateAsync(failed.Claim("runner-a", now, TimeSpan.FromMinutes(1)), Ct);
        failed = await store.UpdateAsync(failed.Failed(now, "500"), Ct);
        // The app runs it as a recurring job.
        using var scope = fixture.Services.CreateScope();
        var cleanup = scope.ServiceProvider.GetServices<IJobHandler>().OfType<QueueHistoryCleanupJob>().Single();
        Assert.Contains(fixture.Services.GetServices<RecurringJob>(), r => r.HandlerType == typeof(QueueHistoryCleanupJob));
        var context = new JobContext(JobId.New(), QueueHistoryCleanupJob.JobKind, null, "{}", 1);

        fixture.Time.Advance(QueueHistoryCleanupJob.KeepFor - TimeSpan.FromMinutes(1));
        Assert.Equal(JobOutcome.Done, await cleanup.RunAsync(context, Ct));
        Assert.NotNull(await store.GetAsync(job.Id, Ct));
        Assert.NotNull(await outbox.GetAsync(email.Id, Ct));

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(JobOutcome.Done, await cleanup.RunAsync(context, Ct));
        Assert.Null(await store.GetAsync(job.Id, Ct));
        Assert.Null(await outbox.GetAsync(email.Id, Ct));
        // A failed job waits for its Retry, however old.
        Assert.NotNull(await store.GetAsync(failed.Id, Ct));
    }
}
