using System.Collections.Concurrent;
using Plexura.Core.Common;
using Plexura.Core.Jobs;

namespace Plexura.Tests.Fakes;

/// <summary>An <see cref="IJobQueue"/> that keeps what was enqueued, one job per dedupe key, as the real queue promises.</summary>
public sealed class RecordingJobQueue : IJobQueue
{
    private readonly ConcurrentDictionary<string, JobRequest> _jobs = new(StringComparer.Ordinal);

    /// <summary>How many times <see cref="EnqueueAsync"/> was called, duplicates included.</summary>
    public int Calls => _calls;

    private int _calls;

    /// <summary>The kept jobs, by dedupe key in ordinal order.</summary>
    public IReadOnlyList<JobRequest> Jobs => [.. _jobs.Values.OrderBy(j => j.DedupeKey, StringComparer.Ordinal)];

    /// <summary>The kept jobs whose dedupe key starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<JobRequest> WithPrefix(string prefix) => [.. Jobs.Where(j => j.DedupeKey.StartsWith(prefix, StringComparison.Ordinal))];

    public Task EnqueueAsync(JobRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _calls);
        _jobs.TryAdd(request.DedupeKey, request);
        return Task.CompletedTask;
    }

    /// <summary>Nothing fails here: no job runs.</summary>
    public Task<IReadOnlyList<Job>> ListFailedAsync(PracticeId? practiceId, string dedupeKeyPrefix, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Job>>([]);

    /// <summary>Nothing failed, so nothing to retry.</summary>
    public Task<bool> RetryAsync(PracticeId? practiceId, string dedupeKey, CancellationToken ct) => Task.FromResult(false);

    /// <summary>Every kept job waits.</summary>
    public Task<JobQueueStats> GetStatsAsync(CancellationToken ct) => Task.FromResult(new JobQueueStats(_jobs.Count, 0, 0, null));
}
