using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Plexura.Core.Common;

namespace Plexura.Core.Jobs;

/// <summary>Identifies a stored background job.</summary>
[JsonConverter(typeof(TypedIdJsonConverter<JobId>))]
public readonly record struct JobId(Guid Value) : ITypedId, IParsable<JobId>
{
    public static JobId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString("D");

    public static JobId Parse(string s, IFormatProvider? provider = null) => new(Guid.Parse(s, provider));

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out JobId result)
    {
        var ok = Guid.TryParse(s, provider, out var g);
        result = new JobId(g);
        return ok;
    }
}

/// <summary>A job to run in the background, durably and at least once.</summary>
/// <param name="Kind">Which <see cref="IJobHandler"/> runs it (its <see cref="IJobHandler.Kind"/>), for example <c>transcribe-segment</c>.</param>
/// <param name="PracticeId">The practice the job works for, or null for a job of the whole app (retention sweeps).</param>
/// <param name="Payload">What the handler needs, as ids only (JSON): never PHI, it is stored in clear and shown to operators.</param>
/// <param name="DedupeKey">
/// The job's identity: enqueueing the same key again keeps the one job (whatever its state), so a caller may enqueue
/// as often as it likes. Only <see cref="IJobQueue.RetryAsync"/> runs a finished or failed job again.
/// </param>
/// <param name="NotBefore">The earliest time it may run; null means now.</param>
public sealed record JobRequest(string Kind, PracticeId? PracticeId, string Payload, string DedupeKey, DateTimeOffset? NotBefore = null)
{
    /// <summary>The longest <see cref="Kind"/>.</summary>
    public const int MaxKindLength = 100;

    /// <summary>The longest <see cref="DedupeKey"/>.</summary>
    public const int MaxDedupeKeyLength = 300;

    /// <summary>The longest <see cref="Payload"/> (ids only need little).</summary>
    public const int MaxPayloadLength = 4096;
}

/// <summary>The queue of durable background jobs, stored in the app's own database.</summary>
/// <remarks>
/// Jobs run on every instance's <c>JobRunner</c>: claimed with a lease, retried with backoff and jitter, taken over when
/// an instance dies. A handler may therefore run more than once for one job (at least once), so its effect must be
/// idempotent (keyed by the job or its payload's ids).
/// </remarks>
public interface IJobQueue
{
    /// <summary>Stores the job (due at <see cref="JobRequest.NotBefore"/>) and wakes this instance's runner; a second request with the same dedupe key changes nothing.</summary>
    Task EnqueueAsync(JobRequest request, CancellationToken ct);

    /// <summary>The failed jobs of <paramref name="practiceId"/> (null: the app's own) whose dedupe key starts with <paramref name="dedupeKeyPrefix"/>, oldest first.</summary>
    Task<IReadOnlyList<Job>> ListFailedAsync(PracticeId? practiceId, string dedupeKeyPrefix, CancellationToken ct);

    /// <summary>
    /// The "Retry" action: a failed or finished job of <paramref name="practiceId"/> with this dedupe key goes back to
    /// the queue with a fresh attempt count, due now. False when there is no such job or it is still waiting or running.
    /// </summary>
    Task<bool> RetryAsync(PracticeId? practiceId, string dedupeKey, CancellationToken ct);

    /// <summary>How many jobs wait and run, and how long the oldest due one has waited (for the readiness report).</summary>
    Task<JobQueueStats> GetStatsAsync(CancellationToken ct);
}

/// <summary>The queue's state for operators.</summary>
/// <param name="Waiting">Jobs due now that no runner holds (including ones whose runner's lease lapsed).</param>
/// <param name="Running">Jobs a runner holds under a live lease.</param>
/// <param name="Scheduled">Jobs waiting for a later time (a retry's backoff, a recurring job's next run).</param>
/// <param name="OldestWaitingAge">How long the longest-waiting due job has been due, or null when none waits.</param>
public sealed record JobQueueStats(int Waiting, int Running, int Scheduled, TimeSpan? OldestWaitingAge);

/// <summary>Runs the jobs of one kind. Registered with <see cref="JobServiceCollectionExtensions.AddJobHandler{T}"/>.</summary>
public interface IJobHandler
{
    /// <summary>The <see cref="JobRequest.Kind"/> this handler runs.</summary>
    string Kind { get; }

    /// <summary>
    /// Does the job's work, idempotently (it may run again after a crash). A thrown exception counts as transient
    /// (<see cref="JobOutcome.RetryLater"/>); <paramref name="ct"/> is cancelled at shutdown, at the runner's time limit
    /// and when the runner lost the job's lease.
    /// </summary>
    Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct);
}

/// <summary>What one run of a job came to.</summary>
public sealed record JobOutcome
{
    private JobOutcome(JobOutcomeKind kind, TimeSpan? retryAfter, string? code)
    {
        Kind = kind;
        RetryAfter = retryAfter;
        Code = code;
    }

    /// <summary>Finished.</summary>
    public static JobOutcome Done { get; } = new(JobOutcomeKind.Done, null, null);

    /// <summary>Which outcome this is.</summary>
    public JobOutcomeKind Kind { get; }

    /// <summary>The shortest wait a remote service asked for (Retry-After), for <see cref="JobOutcomeKind.RetryLater"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>A short error code naming no PHI (for example <c>429 rate_limit_exceeded</c>).</summary>
    public string? Code { get; }

    /// <summary>A transient failure: run again after a backoff with jitter, never sooner than <paramref name="retryAfter"/>.</summary>
    public static JobOutcome RetryLater(TimeSpan? retryAfter, string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return new(JobOutcomeKind.RetryLater, retryAfter, code);
    }

    /// <summary>
    /// Not runnable yet for a reason an operator fixes (no API key configured): wait <paramref name="wait"/> and ask
    /// again, without using up an attempt, so the job runs once the reason is gone however long that takes.
    /// </summary>
    public static JobOutcome Postpone(TimeSpan wait, string code)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return new(JobOutcomeKind.Postponed, wait, code);
    }

    /// <summary>A permanent failure: the job is kept as failed with <paramref name="code"/> until someone retries it.</summary>
    public static JobOutcome Failed(string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return new(JobOutcomeKind.Failed, null, code);
    }
}

/// <summary>The kinds of <see cref="JobOutcome"/>.</summary>
public enum JobOutcomeKind
{
    /// <summary>Finished.</summary>
    Done,

    /// <summary>Transient failure.</summary>
    RetryLater,

    /// <summary>Permanent failure.</summary>
    Failed,

    /// <summary>Not runnable yet; waits without using an attempt.</summary>
    Postponed,
}

/// <summary>What a handler knows about the job it runs.</summary>
/// <param name="JobId">The job (stable across attempts and takeovers: a good idempotency key).</param>
/// <param name="Kind">The job's kind.</param>
/// <param name="PracticeId">The practice it works for, or null.</param>
/// <param name="Payload">The ids it works on (JSON).</param>
/// <param name="Attempt">This run's number, from 1.</param>
/// <param name="IsLastAttempt">
/// Whether a transient failure of this run ends the job (the attempt limit is reached), so a handler can record the
/// failure where people see it before the runner gives up.
/// </param>
public sealed record JobContext(JobId JobId, string Kind, PracticeId? PracticeId, string Payload, int Attempt, bool IsLastAttempt = false);
