using Microsoft.Extensions.Logging;
using Plexura.Core.Email;

namespace Plexura.Core.Jobs;

/// <summary>
/// Deletes the stored queues' history: finished jobs and finished emails older than <see cref="KeepFor"/>. Without it
/// both collections grow by about one job per transcribed minute and one row per email, for ever.
/// </summary>
/// <remarks>
/// <para>A finished job's dedupe key stops the same work being queued again, so the history is kept for longer than
/// any caller queues a key again: a segment's job is queued while its session records (and finds its text stored if
/// it runs again), a drafting request once per request, an audit checkpoint once per practice and day, audio deletion
/// once per transcription, a seat sync under a fresh key each time (Stripe webhooks are deduplicated in their own
/// collection, which this leaves alone). Failed jobs stay until retried, and anything still waiting or running stays.</para>
/// <para>Jobs hold ids only, and a delivered email's subject and bodies were emptied when it was sent through the
/// provider, so nothing deleted here is PHI: the counts are logged, not audited.</para>
/// </remarks>
public sealed class QueueHistoryCleanupJob(IJobStore jobs, IOutboxRepository outbox, TimeProvider time, ILogger<QueueHistoryCleanupJob> logger)
    : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "queue-history-cleanup";

    /// <summary>How long finished jobs and emails are kept.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    /// <summary>How often the cleanup runs.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromHours(6);

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var before = time.GetUtcNow() - KeepFor;
        var deletedJobs = await jobs.DeleteDoneBeforeAsync(before, ct);
        var deletedEmails = await outbox.DeleteFinishedBeforeAsync(before, ct);
        if (deletedJobs + deletedEmails > 0)
        {
            logger.LogInformation("Deleted {Jobs} finished jobs and {Emails} finished emails older than {Days} days", deletedJobs, deletedEmails, KeepFor.TotalDays);
        }

        return JobOutcome.Done;
    }
}
