using System.Globalization;
using System.Text.Json;
using Plexura.Core.Jobs;

namespace Plexura.Core.Compliance.Checkpoints;

/// <summary>Once a day: queues, for every practice, a job that makes a signed checkpoint and verifies the chain.</summary>
/// <remarks>The per-practice job's dedupe key names the day, so a rerun of this sweep queues nothing twice.</remarks>
public sealed class AuditCheckpointSweepJob(IAuditCheckpointStore store, IJobQueue queue, TimeProvider time) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "audit-checkpoint-sweep";

    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var day = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await foreach (var practiceId in store.ListPracticeIdsAsync(ct))
        {
            await queue.EnqueueAsync(
                new JobRequest(
                    AuditCheckpointJob.JobKind,
                    practiceId,
                    JsonSerializer.Serialize(new { day }),
                    $"{AuditCheckpointJob.JobKind}/{practiceId}/{day}"),
                ct);
        }

        return JobOutcome.Done;
    }
}

/// <summary>One practice's daily checkpoint and verification.</summary>
/// <remarks>
/// A broken chain's head is not signed.
/// At least once: a rerun after a crash makes one more checkpoint and verification, which is harmless (both only
/// add evidence). The verification checks the chain against every stored checkpoint, the new one included.
/// </remarks>
public sealed class AuditCheckpointJob(IAuditCheckpointService checkpoints, AuditVerificationRunner runner) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "audit-checkpoint";

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PracticeId is not { } practiceId)
        {
            return JobOutcome.Failed("no-practice");
        }

        // Verify against the checkpoints so far, then sign the head; a broken chain's head is not signed (owners are alerted).
        var verification = await runner.RunAsync(practiceId, AuditVerificationRequester.DailyJob);
        if (verification.IsValid)
        {
            await checkpoints.CreateAsync(practiceId, "daily", ct);
        }

        return JobOutcome.Done;
    }
}
