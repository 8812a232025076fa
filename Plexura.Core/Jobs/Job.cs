using Plexura.Core.Common;

namespace Plexura.Core.Jobs;

/// <summary>Where a stored job is in its life.</summary>
public enum JobStatus
{
    /// <summary>Waiting to run at <see cref="Job.NotBefore"/>.</summary>
    Pending,

    /// <summary>Held by one runner until <see cref="Job.LeaseExpiresAt"/>, which the runner extends while it works.</summary>
    Running,

    /// <summary>Finished.</summary>
    Done,

    /// <summary>Given up (a permanent failure, or every attempt failed); kept with its code until retried.</summary>
    Failed,
}

/// <summary>One durable background job: a kind, a payload of ids, its state and its lease.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Kind">The handler kind.</param>
/// <param name="ForPracticeId">
/// The practice it works for, or null. (Not named <c>PracticeId</c>: the collection is global, and the engines keep
/// that field name for practice-owned collections.)
/// </param>
/// <param name="Payload">Ids only, as JSON; never PHI.</param>
/// <param name="DedupeKey">Unique: the job's identity for callers.</param>
/// <param name="CreatedAt">When it was first enqueued.</param>
/// <param name="Version">Optimistic-concurrency version: every claim, heartbeat and outcome is a versioned update.</param>
/// <remarks><see cref="LastError"/> is a short code (an HTTP status, an exception type), never a message that could quote PHI.</remarks>
[GlobalRecord("Background jobs are claimed by runners across every practice; a job carries ids only, its practice as a plain field.")]
public sealed record Job(
    JobId Id,
    string Kind,
    PracticeId? ForPracticeId,
    string Payload,
    string DedupeKey,
    DateTimeOffset CreatedAt,
    long Version = 0) : IVersioned
{
    /// <summary>Where the job is.</summary>
    public JobStatus Status { get; init; } = JobStatus.Pending;

    /// <summary>Runs started (a claim counts, so a job that crashes its instance still runs out of attempts).</summary>
    public int Attempts { get; init; }

    /// <summary>When a <see cref="JobStatus.Pending"/> job is due.</summary>
    public DateTimeOffset NotBefore { get; init; }

    /// <summary>The runner holding it (while <see cref="JobStatus.Running"/>).</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When the runner's hold lapses and another runner may take the job over.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The last failure's code.</summary>
    public string? LastError { get; init; }

    /// <summary>When it finished or failed for good.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>A new pending job from a request.</summary>
    public static Job From(JobRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The id carries the creation time (UUIDv7 from the app's clock), so id order is creation order.
        return new Job(new JobId(Guid.CreateVersion7(now)), request.Kind, request.PracticeId, request.Payload, request.DedupeKey, now)
        {
            NotBefore = request.NotBefore ?? now,
        };
    }

    /// <summary>Whether a runner may claim it at <paramref name="now"/>: due, or held by a runner whose lease lapsed.</summary>
    public bool IsDueAt(DateTimeOffset now) => DueAt is { } due && due <= now;

    /// <summary>When it becomes claimable, or null when it never will (done, failed).</summary>
    public DateTimeOffset? DueAt => Status switch
    {
        JobStatus.Pending => NotBefore,
        JobStatus.Running => LeaseExpiresAt ?? NotBefore,
        _ => null,
    };

    /// <summary>Held by <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>; one more attempt.</summary>
    public Job Claim(string owner, DateTimeOffset now, TimeSpan lease) => this with
    {
        Status = JobStatus.Running,
        Attempts = Attempts + 1,
        LeaseOwner = owner,
        LeaseExpiresAt = now + lease,
    };

    /// <summary>The same hold, extended to <paramref name="now"/> + <paramref name="lease"/>.</summary>
    public Job Heartbeat(DateTimeOffset now, TimeSpan lease) => this with { LeaseExpiresAt = now + lease };

    /// <summary>Finished.</summary>
    public Job Completed(DateTimeOffset now) => Finish(JobStatus.Done, now, LastError);

    /// <summary>Failed for good with <paramref name="code"/>.</summary>
    public Job Failed(DateTimeOffset now, string code) => Finish(JobStatus.Failed, now, code);

    /// <summary>Back to pending, due at <paramref name="notBefore"/>, after a transient failure.</summary>
    public Job RetryAt(DateTimeOffset notBefore, string code) => Pending(notBefore, Attempts, code);

    /// <summary>Not runnable yet (see <see cref="JobOutcome.Postpone"/>): due at <paramref name="notBefore"/>, and this run does not count as an attempt.</summary>
    public Job PostponedTo(DateTimeOffset notBefore, string code) => Pending(notBefore, Math.Max(0, Attempts - 1), code);

    /// <summary>Handed back unfinished at shutdown: due now, and the interrupted run does not count as an attempt.</summary>
    public Job Released(DateTimeOffset now) => Pending(now, Math.Max(0, Attempts - 1), LastError);

    /// <summary>
    /// Pending again with no attempts, due at <paramref name="notBefore"/>: the Retry action (due now) and a recurring
    /// job's next run. The last error stays for the record until the next outcome.
    /// </summary>
    public Job Reset(DateTimeOffset notBefore) => Pending(notBefore, 0, LastError) with { FinishedAt = null };

    private Job Pending(DateTimeOffset notBefore, int attempts, string? error) => this with
    {
        Status = JobStatus.Pending,
        NotBefore = notBefore,
        Attempts = attempts,
        LeaseOwner = null,
        LeaseExpiresAt = null,
        LastError = error,
    };

    private Job Finish(JobStatus status, DateTimeOffset now, string? error) => this with
    {
        Status = status,
        FinishedAt = now,
        LeaseOwner = null,
        LeaseExpiresAt = null,
        LastError = error,
    };
}

/// <summary>Stores the job queue.</summary>
public interface IJobStore
{
    /// <summary>Adds a job; <see cref="DuplicateRecordException"/> when a job with its dedupe key (or id) exists.</summary>
    Task AddAsync(Job job, CancellationToken ct);

    /// <summary>The job, or null.</summary>
    Task<Job?> GetAsync(JobId id, CancellationToken ct);

    /// <summary>The job with this dedupe key, or null.</summary>
    Task<Job?> FindByDedupeKeyAsync(string dedupeKey, CancellationToken ct);

    /// <summary>Every <see cref="JobStatus.Pending"/> and <see cref="JobStatus.Running"/> job.</summary>
    Task<IReadOnlyList<Job>> ListUnfinishedAsync(CancellationToken ct);

    /// <summary>Every <see cref="JobStatus.Failed"/> job.</summary>
    Task<IReadOnlyList<Job>> ListFailedAsync(CancellationToken ct);

    /// <summary>
    /// Deletes <see cref="JobStatus.Done"/> jobs that finished before <paramref name="before"/>, recurring ones
    /// excepted; returns how many. Pending, running and failed jobs stay, whatever their age.
    /// </summary>
    Task<int> DeleteDoneBeforeAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>
    /// Replaces the job if its stored version is still the one it carries; <see cref="ConcurrencyConflictException"/>
    /// when another runner changed it first. Returns it with its new version.
    /// </summary>
    Task<Job> UpdateAsync(Job job, CancellationToken ct);
}
