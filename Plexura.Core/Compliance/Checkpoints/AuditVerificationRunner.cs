using System.Collections.Concurrent;
using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Compliance.Checkpoints;

/// <summary>Who asked for a verification.</summary>
/// <param name="Actor">The member, or <see cref="AuditActor.Anonymous"/> for the daily job.</param>
/// <param name="Client">The request's client (none for the job).</param>
/// <param name="Trigger"><c>on-demand</c> or <c>daily</c>.</param>
public sealed record AuditVerificationRequester(AuditActor Actor, ClientInfo? Client, string Trigger)
{
    /// <summary>The daily job.</summary>
    public static readonly AuditVerificationRequester DailyJob = new(AuditActor.Anonymous, null, "daily");
}

/// <summary>A verification that is running or has just finished.</summary>
/// <param name="Id">The run's id (also the stored result's id).</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Progress">Events checked so far and the chain's length.</param>
/// <param name="Completion">The stored result, once finished.</param>
public sealed record AuditVerificationRun(Guid Id, PracticeId PracticeId, DateTimeOffset StartedAt, AuditChainProgress Progress, Task<AuditVerification> Completion);

/// <summary>
/// Runs chain verifications against every stored checkpoint (plus an optional pasted one), one at a time per practice,
/// records each result, audits it as <see cref="AuditAction.AuditChainVerified"/> and alerts owners and compliance
/// staff when the chain is broken.
/// </summary>
/// <remarks>
/// Runs live in this process: the page starts one and polls its progress. A second request while one runs gets the
/// running one. The work does not use the request's cancellation: it finishes and is recorded even if the page closes.
/// </remarks>
public sealed class AuditVerificationRunner(
    AuditChainVerifier verifier, IAuditCheckpointStore store, IAuditSigner signer, IAuditLog audit, ComplianceMail mail, TimeProvider time)
{
    /// <summary>The audit target type of verifications.</summary>
    public const string TargetType = "audit-chain";

    private readonly ConcurrentDictionary<PracticeId, AuditVerificationRun> _runs = new();

    /// <summary>The practice's running (or last finished in this process) run, or null.</summary>
    public AuditVerificationRun? Current(PracticeId practiceId) => _runs.GetValueOrDefault(practiceId);

    /// <summary>
    /// Parses a pasted signed checkpoint and checks it was signed by this practice's key; a forged, altered or foreign
    /// block is audited and refused with <see cref="ValidationFailedException"/>.
    /// </summary>
    public async Task<CheckpointClaim> CheckPastedAsync(PracticeId practiceId, AuditVerificationRequester by, string pasted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        string? refusal = null;
        CheckpointClaim? claim = null;
        try
        {
            claim = CheckpointBlock.Parse(pasted);
            if (claim.PracticeId != practiceId)
            {
                refusal = "The pasted checkpoint belongs to another practice.";
            }
            else if (!CheckpointBlock.Verify(claim, (await signer.GetPublicKeyAsync(practiceId, ct)).PublicKeyPem))
            {
                refusal = "The pasted checkpoint's signature does not verify with this practice's key: it was altered or forged. It was not used.";
            }
        }
        catch (ValidationFailedException e)
        {
            refusal = e.Message;
        }

        if (refusal is not null || claim is null)
        {
            await RecordAsync(practiceId, by, AuditResult.Failed, new Dictionary<string, string>
            {
                ["refused"] = "pasted-checkpoint",
                ["trigger"] = by.Trigger,
            }, ct);
            throw new ValidationFailedException(refusal ?? "The pasted checkpoint was refused.");
        }

        return claim;
    }

    /// <summary>Starts a run in the background, or returns the practice's run that is still going.</summary>
    public AuditVerificationRun Start(PracticeId practiceId, AuditVerificationRequester by, CheckpointClaim? pasted)
    {
        ArgumentNullException.ThrowIfNull(by);
        while (true)
        {
            if (_runs.TryGetValue(practiceId, out var existing))
            {
                if (!existing.Completion.IsCompleted)
                {
                    return existing;
                }

                if (!_runs.TryRemove(new KeyValuePair<PracticeId, AuditVerificationRun>(practiceId, existing)))
                {
                    continue;
                }
            }

            var progress = new AuditChainProgress();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var id = Guid.CreateVersion7();
            var run = new AuditVerificationRun(id, practiceId, time.GetUtcNow(), progress, RunAfterAsync(gate.Task, id, practiceId, by, pasted, progress));
            if (_runs.TryAdd(practiceId, run))
            {
                gate.SetResult();
                return run;
            }

            gate.SetCanceled();
        }
    }

    /// <summary>Runs a verification to its end (the daily job), unless one is already running, which is awaited instead.</summary>
    public Task<AuditVerification> RunAsync(PracticeId practiceId, AuditVerificationRequester by) => Start(practiceId, by, null).Completion;

    private async Task<AuditVerification> RunAfterAsync(
        Task gate, Guid id, PracticeId practiceId, AuditVerificationRequester by, CheckpointClaim? pasted, AuditChainProgress progress)
    {
        await gate;
        await Task.Yield();
        var ct = CancellationToken.None;
        var startedAt = time.GetUtcNow();
        var stored = await store.ListCheckpointsAsync(practiceId, ct);
        var checkpoints = stored.Select(c => new AuditChainCheckpoint(c.Sequence, c.Hash)).ToList();
        if (pasted is not null)
        {
            checkpoints.Add(new AuditChainCheckpoint(pasted.Sequence, pasted.Hash));
        }

        // An operator may archive and remove events past retention, through a stored signed checkpoint's head.
        var archiveStarts = stored
            .Where(c => AuditRetention.IsPast(c.HeadTime, startedAt))
            .Select(c => new AuditChainCheckpoint(c.Sequence, c.Hash))
            .ToList();
        var report = await verifier.VerifyAsync(practiceId, checkpoints, archiveStarts, progress, ct);
        var result = new AuditVerification(
            id,
            practiceId,
            startedAt,
            time.GetUtcNow(),
            by.Actor.UserId,
            by.Actor.Email ?? "daily job",
            report.EventsChecked,
            report.IsValid,
            report.FirstBrokenSequence,
            report.Problem,
            report.CheckpointsChecked,
            pasted is not null,
            report.ArchivedThrough);
        await store.AddVerificationAsync(result.PracticeId, result, ct);

        var details = new Dictionary<string, string>
        {
            ["valid"] = report.IsValid ? "true" : "false",
            ["events"] = report.EventsChecked.ToString(CultureInfo.InvariantCulture),
            ["checkpoints"] = report.CheckpointsChecked.ToString(CultureInfo.InvariantCulture),
            ["pasted"] = pasted is null ? "no" : "yes",
            ["trigger"] = by.Trigger,
            ["verificationId"] = id.ToString("D"),
        };
        if (report.ArchivedThrough is { } archived)
        {
            details["archivedThrough"] = archived.ToString(CultureInfo.InvariantCulture);
        }

        if (report.FirstBrokenSequence is { } bad)
        {
            details["firstBadSequence"] = bad.ToString(CultureInfo.InvariantCulture);
        }

        await RecordAsync(practiceId, by, report.IsValid ? AuditResult.Success : AuditResult.Failed, details, ct);
        if (!report.IsValid)
        {
            await mail.SendBrokenChainAsync(result, ct);
        }

        return result;
    }

    private Task<AuditEvent> RecordAsync(
        PracticeId practiceId, AuditVerificationRequester by, AuditResult result, Dictionary<string, string> details, CancellationToken ct) =>
        audit.RecordAsync(
            new AuditEntry(practiceId, by.Actor, by.Client?.SourceIp, by.Client?.UserAgent, AuditAction.AuditChainVerified,
                TargetType, null, null, result, details),
            ct);
}
