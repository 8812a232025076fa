using Microsoft.Extensions.Logging;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Infrastructure.Common;

namespace Plexura.Infrastructure.Jobs;

/// <summary>The <see cref="IJobQueue"/> use cases get: stores jobs in the app's database and wakes this instance's runner.</summary>
/// <remarks>Logs name the kind and job id only: never the payload, nor the dedupe key (it repeats the payload's ids).</remarks>
internal sealed class JobQueue(IJobStore store, WakeSignal<JobQueue> signal, TimeProvider time, ILogger<JobQueue> logger) : IJobQueue
{
    public async Task EnqueueAsync(JobRequest request, CancellationToken ct)
    {
        Validate(request);
        if (await store.FindByDedupeKeyAsync(request.DedupeKey, ct) is not null)
        {
            return;
        }

        var job = Job.From(request, time.GetUtcNow());
        try
        {
            await store.AddAsync(job, ct);
        }
        catch (DuplicateRecordException)
        {
            // Enqueued by someone else between the lookup and the insert: the one job stands.
            return;
        }

        signal.Notify();
        logger.LogDebug("Queued a {Kind} job as {JobId}", job.Kind, job.Id);
    }

    public async Task<IReadOnlyList<Job>> ListFailedAsync(PracticeId? practiceId, string dedupeKeyPrefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dedupeKeyPrefix);
        var failed = await store.ListFailedAsync(ct);
        return [.. failed
            .Where(j => j.ForPracticeId == practiceId && j.DedupeKey.StartsWith(dedupeKeyPrefix, StringComparison.Ordinal))
            .OrderBy(j => j.CreatedAt)
            .ThenBy(j => j.Id.Value)];
    }

    public async Task<bool> RetryAsync(PracticeId? practiceId, string dedupeKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupeKey);
        for (var tries = 0; tries < 3; tries++)
        {
            var job = await store.FindByDedupeKeyAsync(dedupeKey, ct);
            if (job is null || job.ForPracticeId != practiceId || job.Status is not (JobStatus.Failed or JobStatus.Done))
            {
                return false;
            }

            try
            {
                await store.UpdateAsync(job.Reset(time.GetUtcNow()), ct);
                signal.Notify();
                logger.LogInformation("Queued {Kind} job {JobId} again", job.Kind, job.Id);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                // Changed meanwhile (another click): read it again.
            }
        }

        return false;
    }

    public async Task<JobQueueStats> GetStatsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var unfinished = await store.ListUnfinishedAsync(ct);
        int waiting = 0, running = 0, scheduled = 0;
        DateTimeOffset? oldest = null;
        foreach (var job in unfinished)
        {
            if (job.Status == JobStatus.Running && !job.IsDueAt(now))
            {
                running++;
            }
            else if (job.IsDueAt(now))
            {
                waiting++;
                if (job.DueAt is { } due && (oldest is null || due < oldest))
                {
                    oldest = due;
                }
            }
            else
            {
                scheduled++;
            }
        }

        return new JobQueueStats(waiting, running, scheduled, oldest is { } o ? now - o : null);
    }

    private static void Validate(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Kind) || request.Kind.Length > JobRequest.MaxKindLength)
        {
            throw new ArgumentException($"The kind must be 1-{JobRequest.MaxKindLength} characters.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.DedupeKey) || request.DedupeKey.Length > JobRequest.MaxDedupeKeyLength)
        {
            throw new ArgumentException($"The dedupe key must be 1-{JobRequest.MaxDedupeKeyLength} characters.", nameof(request));
        }

        if (request.Payload is null || request.Payload.Length > JobRequest.MaxPayloadLength)
        {
            throw new ArgumentException($"The payload must be at most {JobRequest.MaxPayloadLength} characters.", nameof(request));
        }

        if (request.PracticeId is { IsNone: true })
        {
            throw new ArgumentException("A job's practice cannot be the empty id; pass null for an app-wide job.", nameof(request));
        }
    }
}
