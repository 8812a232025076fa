using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Infrastructure.Common;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Jobs;

/// <summary>Runs the durable job queue on this instance: claims due jobs under a lease, runs their handlers, retries with backoff.</summary>
/// <remarks>
/// <para>
/// <b>One holder.</b> A runner claims a job with a versioned update (status running, its id as lease owner, a lease
/// expiry, one more attempt); a second runner reading the same job loses that update with a concurrency conflict and
/// skips it. While the handler works the runner renews the lease every third of <see cref="JobOptions.LeaseDuration"/>
/// (also a versioned update); a renewal that conflicts means another runner took the job over, and the handler is
/// cancelled. Every outcome is written the same way, so a runner that lost a job can never overwrite its new holder.
/// </para>
/// <para>
/// <b>Takeover, at least once.</b> An instance that dies stops renewing; once its lease lapses any runner claims the
/// job again. A handler can therefore run twice for one job (the dead instance may have done the work without
/// recording it): handlers must be idempotent, keyed by <see cref="JobContext.JobId"/> or the payload's ids. A job
/// whose last allowed attempt was abandoned this way fails with <c>abandoned</c> rather than crash instance after
/// instance.
/// </para>
/// <para>
/// <b>Retries.</b> <see cref="JobOutcome.RetryLater"/>, a thrown exception and a run cut off at
/// <see cref="JobOptions.RunTimeout"/> are transient: the job goes back to pending after
/// <see cref="RetryBackoff.Compute"/> (exponential from <see cref="JobOptions.RetryBaseDelay"/>, equal jitter, capped
/// at <see cref="JobOptions.RetryMaxDelay"/>, never sooner than a Retry-After) until
/// <see cref="JobOptions.MaxAttempts"/>. <see cref="JobOutcome.Failed"/>, and a transient failure on the last attempt,
/// keep the job as failed with its code, for the Retry action (<see cref="IJobQueue.RetryAsync"/>). A job of a kind
/// this instance has no handler for is left alone (a newer instance's job during a rolling deploy).
/// </para>
/// <para>
/// <b>Wake-up.</b> A job queued in this process wakes the runner at once (<see cref="WakeSignal{TQueue}"/>); otherwise
/// it polls every <see cref="JobOptions.PollInterval"/> (jobs of other instances, lapsed leases) or sleeps until the
/// next job falls due. It runs up to <see cref="JobOptions.Concurrency"/> jobs at once. Time comes from
/// <see cref="TimeProvider"/>. At shutdown the handlers are cancelled and the jobs they hand back are due again at once.
/// </para>
/// <para>
/// <b>Recurring jobs</b> (<see cref="JobServiceCollectionExtensions.AddRecurringJob{T}"/>) are enqueued at start and,
/// whenever a run ends, put back due one period later with a fresh attempt count.
/// </para>
/// <para><b>Logs</b> name the kind, job id, attempt and code: never the payload.</para>
/// </remarks>
internal sealed class JobRunner(
    IJobStore store,
    IJobQueue queue,
    IServiceScopeFactory scopes,
    WakeSignal<JobQueue> signal,
    IEnumerable<RecurringJob> recurring,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<JobId, bool> _inFlight = new();
    private readonly List<Task> _running = [];
    private Dictionary<string, TimeSpan>? _recurringKinds;
    private HashSet<string>? _kinds;

    private HashSet<string> Kinds => _kinds ?? LearnKinds().Kinds;

    private Dictionary<string, TimeSpan> RecurringKinds => _recurringKinds ?? LearnKinds().Recurring;
    private bool _seeded;

    /// <summary>This runner's lease-owner id (unique per runner, so two instances never share a lease).</summary>
    public string Owner { get; } = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before the first pass.
        await Task.Yield();
        var settings = options.Value;
        LearnKinds();
        var candidates = new Queue<Job>();
        DateTimeOffset? nextDue = null;
        var listedAt = DateTimeOffset.MinValue;
        var relist = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            _running.RemoveAll(t => t.IsCompleted);
            try
            {
                if (!_seeded)
                {
                    await SeedRecurringAsync(stoppingToken);
                }

                if (_running.Count < settings.Concurrency)
                {
                    if (relist || candidates.Count == 0 || time.GetUtcNow() - listedAt >= settings.PollInterval)
                    {
                        (candidates, nextDue) = await ListDueAsync(stoppingToken);
                        listedAt = time.GetUtcNow();
                        relist = false;
                    }

                    while (_running.Count < settings.Concurrency && candidates.TryDequeue(out var job))
                    {
                        if (await TryClaimAsync(job, stoppingToken) is { } claimed)
                        {
                            _running.Add(RunAsync(claimed, stoppingToken));
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage errors name no values; the pass is simply tried again at the next wake-up.
                logger.LogError(ex, "A job runner pass failed");
                candidates.Clear();
            }

            // A free slot waits for the next due job at the latest; a full runner waits for a slot (or a poll).
            var wait = settings.PollInterval;
            if (_running.Count < settings.Concurrency && nextDue is { } due && due - time.GetUtcNow() < wait)
            {
                wait = due - time.GetUtcNow();
            }

            if (!await WaitAsync(wait, stoppingToken))
            {
                relist = true;
            }
        }

        // Shutting down: the handlers were cancelled with the same token; let them hand their jobs back.
        await Task.WhenAll(_running);
    }

    /// <summary>Waits for a queued job, a free slot or <paramref name="wait"/>; false when woken by the signal or the clock (time to list again).</summary>
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = signal.WaitAsync(wait, time, stopWaiting.Token);
        var slotFreed = _running.Count > 0 ? Task.WhenAny(_running) : Task.Delay(Timeout.Infinite, stopWaiting.Token);
        var first = await Task.WhenAny(woken, slotFreed);
        await stopWaiting.CancelAsync();
        try
        {
            await woken;
        }
        catch (OperationCanceledException)
        {
            // Stopped waiting for the signal: a slot freed, or the runner stops.
        }

        try
        {
            await slotFreed;
        }
        catch (OperationCanceledException)
        {
            // The idle delay ended with the wait.
        }

        return first != woken;
    }

    /// <summary>The kinds this instance has handlers for, and the recurring ones' periods (once; a duplicate kind is a start-up error).</summary>
    private (HashSet<string> Kinds, Dictionary<string, TimeSpan> Recurring) LearnKinds()
    {
        using var scope = scopes.CreateScope();
        var handlers = scope.ServiceProvider.GetServices<IJobHandler>().ToList();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!kinds.Add(handler.Kind))
            {
                throw new InvalidOperationException($"Two job handlers claim the kind '{handler.Kind}'.");
            }
        }

        _recurringKinds = recurring.ToDictionary(
            r => handlers.FirstOrDefault(h => h.GetType() == r.HandlerType)?.Kind
                ?? throw new InvalidOperationException($"{r.HandlerType.Name} is recurring but not a registered job handler."),
            r => r.Every,
            StringComparer.Ordinal);
        _kinds = kinds;
        return (_kinds, _recurringKinds);
    }

    private async Task SeedRecurringAsync(CancellationToken ct)
    {
        foreach (var kind in RecurringKinds.Keys)
        {
            await queue.EnqueueAsync(new JobRequest(kind, null, "{}", RecurringJob.DedupeKeyOf(kind)), ct);
        }

        _seeded = true;
    }

    /// <summary>The due jobs this runner can run, oldest due first, and when the next of the others falls due.</summary>
    internal async Task<(Queue<Job> Due, DateTimeOffset? Next)> ListDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var due = new List<Job>();
        DateTimeOffset? next = null;
        foreach (var job in await store.ListUnfinishedAsync(ct))
        {
            if (!Kinds.Contains(job.Kind) || _inFlight.ContainsKey(job.Id))
            {
                continue;
            }

            if (job.IsDueAt(now))
            {
                due.Add(job);
            }
            else if (job.DueAt is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return (new Queue<Job>(due.OrderBy(j => j.DueAt).ThenBy(j => j.Id.Value)), next);
    }

    /// <summary>Claims a job read as due; null when it is no longer due or another runner changed it first.</summary>
    internal async Task<Job?> TryClaimAsync(Job job, CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (!job.IsDueAt(now) || _inFlight.ContainsKey(job.Id))
        {
            return null;
        }

        try
        {
            if (job.Status == JobStatus.Running)
            {
                if (job.Attempts >= settings.MaxAttempts)
                {
                    await store.UpdateAsync(GiveUp(job, now, "abandoned"), ct);
                    logger.LogError("Gave up on {Kind} job {JobId}: its runner stopped answering on attempt {Attempt}", job.Kind, job.Id, job.Attempts);
                    return null;
                }

                logger.LogWarning("Taking over {Kind} job {JobId}: its runner's lease lapsed on attempt {Attempt}", job.Kind, job.Id, job.Attempts);
            }

            return await store.UpdateAsync(job.Claim(Owner, now, settings.LeaseDuration), ct);
        }
        catch (ConcurrencyConflictException)
        {
            return null;
        }
    }

    /// <summary>Runs one claimed job with its lease renewed, and records the outcome; never throws.</summary>
    private async Task RunAsync(Job claimed, CancellationToken stoppingToken)
    {
        _inFlight[claimed.Id] = true;
        try
        {
            await Task.Yield();
            var settings = options.Value;
            var lease = new LeaseHolder(claimed);
            using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var timeout = new CancellationTokenSource(settings.RunTimeout, time);
            using var handlerToken = CancellationTokenSource.CreateLinkedTokenSource(run.Token, timeout.Token);
            // Renewal stops at shutdown and at the time limit too: a handler that ignores cancellation then loses the
            // job to another runner once the lease lapses, instead of holding it for ever.
            using var stopBeats = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var beats = HeartbeatAsync(lease, run, stopBeats.Token);
            JobOutcome? outcome = null;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetServices<IJobHandler>().First(h => h.Kind == claimed.Kind);
                var context = new JobContext(
                    claimed.Id, claimed.Kind, claimed.ForPracticeId, claimed.Payload, claimed.Attempts, claimed.Attempts >= options.Value.MaxAttempts);
                outcome = await handler.RunAsync(context, handlerToken.Token);
            }
            catch (OperationCanceledException) when (lease.Lost || stoppingToken.IsCancellationRequested)
            {
                // Lost the job, or shutting down: handled below.
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                outcome = JobOutcome.RetryLater(null, "timeout");
            }
            catch (Exception ex)
            {
                // The type only: an exception's message can quote what the handler worked on.
                outcome = JobOutcome.RetryLater(null, ex.GetType().Name);
            }
            finally
            {
                await stopBeats.CancelAsync();
                await beats;
            }

            if (lease.Lost)
            {
                logger.LogWarning("Lost the lease on {Kind} job {JobId} while it ran; its new holder records it", claimed.Kind, claimed.Id);
                return;
            }

            var now = time.GetUtcNow();
            var next = outcome is null ? lease.Current.Released(now) : Decide(lease.Current, outcome, now);
            await RecordAsync(next);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Running {Kind} job {JobId} failed in the runner", claimed.Kind, claimed.Id);
        }
        finally
        {
            _inFlight.TryRemove(claimed.Id, out _);
        }
    }

    /// <summary>Renews the lease every third of its length until stopped; a conflict means the job was taken over.</summary>
    private async Task HeartbeatAsync(LeaseHolder lease, CancellationTokenSource run, CancellationToken stop)
    {
        var settings = options.Value;
        var interval = settings.LeaseDuration / 3;
        while (true)
        {
            try
            {
                await Task.Delay(interval, time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // Not cancellable: an update cut off midway would leave the version in doubt.
                lease.Current = await store.UpdateAsync(lease.Current.Heartbeat(time.GetUtcNow(), settings.LeaseDuration), CancellationToken.None);
            }
            catch (ConcurrencyConflictException)
            {
                lease.Lost = true;
                await run.CancelAsync();
                return;
            }
            catch (Exception ex)
            {
                // Storage unavailable: try again at the next beat (the lease may lapse meanwhile, and then is lost).
                logger.LogWarning(ex, "Could not renew the lease on {Kind} job {JobId}", lease.Current.Kind, lease.Current.Id);
            }
        }
    }

    /// <summary>The job's next state after a run that came to <paramref name="outcome"/>.</summary>
    internal Job Decide(Job job, JobOutcome outcome, DateTimeOffset now)
    {
        var settings = options.Value;
        switch (outcome.Kind)
        {
            case JobOutcomeKind.Done:
                logger.LogDebug("Finished {Kind} job {JobId} on attempt {Attempt}", job.Kind, job.Id, job.Attempts);
                return RecurringKinds.TryGetValue(job.Kind, out var every) ? job.Reset(now + every) with { LastError = null } : job.Completed(now);
            case JobOutcomeKind.Postponed:
                logger.LogInformation("{Kind} job {JobId} waits {Wait} ({Code})", job.Kind, job.Id, outcome.RetryAfter, outcome.Code);
                return job.PostponedTo(now + outcome.RetryAfter!.Value, outcome.Code!);
            case JobOutcomeKind.Failed:
                logger.LogError("Gave up on {Kind} job {JobId}: it failed for good on attempt {Attempt} ({Code})", job.Kind, job.Id, job.Attempts, outcome.Code);
                return GiveUp(job, now, outcome.Code!);
            default:
                if (job.Attempts >= settings.MaxAttempts)
                {
                    logger.LogError("Gave up on {Kind} job {JobId} after {Attempts} attempts ({Code})", job.Kind, job.Id, job.Attempts, outcome.Code);
                    return GiveUp(job, now, outcome.Code!);
                }

                var delay = RetryBackoff.Compute(job.Attempts, outcome.RetryAfter, settings.RetryBaseDelay, settings.RetryMaxDelay);
                logger.LogWarning(
                    "{Kind} job {JobId} did not finish on attempt {Attempt} ({Code}); next attempt in {Delay}",
                    job.Kind, job.Id, job.Attempts, outcome.Code, delay);
                return job.RetryAt(now + delay, outcome.Code!);
        }
    }

    /// <summary>Failed for good; a recurring job instead waits for its next period.</summary>
    private Job GiveUp(Job job, DateTimeOffset now, string code) =>
        RecurringKinds.TryGetValue(job.Kind, out var every) ? job.Reset(now + every) with { LastError = code } : job.Failed(now, code);

    /// <summary>Stores an outcome; if the lease was lost meanwhile, the new holder's record stands.</summary>
    /// <remarks>Not cancellable: a finished job must be recorded as such even while the app stops.</remarks>
    private async Task RecordAsync(Job outcome)
    {
        try
        {
            await store.UpdateAsync(outcome, CancellationToken.None);
        }
        catch (ConcurrencyConflictException)
        {
            logger.LogWarning("Lost the lease on {Kind} job {JobId} before recording its outcome", outcome.Kind, outcome.Id);
        }
    }

    /// <summary>The latest stored copy of a running job (each renewal changes its version) and whether it was lost.</summary>
    private sealed class LeaseHolder(Job job)
    {
        public Job Current { get; set; } = job;

        public bool Lost { get; set; }
    }
}
