using Plexura.Core.Auditing;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.Checkpoints;

/// <summary>Start a verification of the signed-in member's practice chain.</summary>
/// <param name="PastedCheckpoint">A signed checkpoint block pasted from an email or a manifest, or null.</param>
public sealed record StartAuditVerificationCommand(string? PastedCheckpoint);

/// <summary>A run's state for the page.</summary>
/// <param name="Id">The run id.</param>
/// <param name="EventsChecked">Events checked so far.</param>
/// <param name="EventsTotal">The chain's length when it started.</param>
/// <param name="IsFinished">Whether it ended (see <paramref name="Result"/>).</param>
/// <param name="Result">The stored result, once finished.</param>
/// <param name="Failed">Whether it ended with an error instead of a result.</param>
public sealed record AuditVerificationRunView(Guid Id, long EventsChecked, long EventsTotal, bool IsFinished, AuditVerification? Result, bool Failed)
{
    /// <summary>The view of a run.</summary>
    public static AuditVerificationRunView Of(AuditVerificationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var done = run.Completion.IsCompleted;
        return new AuditVerificationRunView(
            run.Id,
            run.Progress.EventsChecked,
            run.Progress.EventsTotal,
            done,
            run.Completion.IsCompletedSuccessfully ? run.Completion.Result : null,
            done && !run.Completion.IsCompletedSuccessfully);
    }
}

/// <summary>Starts a chain verification (owners, admins, compliance with a second factor); one per practice at a time.</summary>
public sealed class StartAuditVerificationHandler(PracticeAccessGate gate, AuditVerificationRunner runner)
{
    /// <summary>The started (or already running) run; a forged pasted checkpoint is refused with <see cref="ValidationFailedException"/>.</summary>
    public async Task<AuditVerificationRunView> HandleAsync(StartAuditVerificationCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.AuditChainVerified, AuditVerificationRunner.TargetType, client, ct);
        var by = new AuditVerificationRequester(new AuditActor(actor.UserId, actor.Email), client, "on-demand");
        var pasted = string.IsNullOrWhiteSpace(command.PastedCheckpoint)
            ? null
            : await runner.CheckPastedAsync(actor.PracticeId, by, command.PastedCheckpoint, ct);
        return AuditVerificationRunView.Of(runner.Start(actor.PracticeId, by, pasted));
    }
}

/// <summary>Open the verification page (audited) or poll the running verification (not audited again).</summary>
/// <param name="RecordView">True when the page opens: recorded as <see cref="AuditAction.AuditLogViewed"/>.</param>
public sealed record GetAuditVerificationQuery(bool RecordView = true);

/// <summary>What the verification page shows.</summary>
/// <param name="PublicKey">The practice's signing public key.</param>
/// <param name="Checkpoints">The stored checkpoints, newest first (at most <see cref="GetAuditVerificationHandler.ListLimit"/>).</param>
/// <param name="Verifications">The latest results, newest first.</param>
/// <param name="Run">The running (or just finished) run, or null.</param>
public sealed record AuditVerificationOverview(
    AuditPublicKey? PublicKey, IReadOnlyList<AuditCheckpoint> Checkpoints, IReadOnlyList<AuditVerification> Verifications, AuditVerificationRunView? Run);

/// <summary>Reads checkpoints, results and the running verification (owners, admins, compliance with a second factor).</summary>
public sealed class GetAuditVerificationHandler(
    PracticeAccessGate gate, IAuditCheckpointStore store, IAuditSigner signer, AuditVerificationRunner runner, IAuditLog audit)
{
    /// <summary>The audit target type of a page view.</summary>
    public const string ViewTargetType = "audit-verification";

    /// <summary>How many checkpoints and results are listed.</summary>
    public const int ListLimit = 20;

    /// <summary>The page's data.</summary>
    public async Task<AuditVerificationOverview> HandleAsync(GetAuditVerificationQuery query, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanReadAuditLog, AuditAction.AuditLogViewed, ViewTargetType, client, ct);
        var checkpoints = await store.ListCheckpointsAsync(actor.PracticeId, ct);
        var verifications = await store.ListVerificationsAsync(actor.PracticeId, ListLimit, ct);
        var run = runner.Current(actor.PracticeId);
        if (query.RecordView)
        {
            await audit.RecordAsync(
                new AuditEntry(actor.PracticeId, new AuditActor(actor.UserId, actor.Email), client.SourceIp, client.UserAgent,
                    AuditAction.AuditLogViewed, ViewTargetType, null, null, AuditResult.Success),
                ct);
        }

        return new AuditVerificationOverview(
            query.RecordView ? await signer.GetPublicKeyAsync(actor.PracticeId, ct) : null,
            [.. checkpoints.Reverse().Take(ListLimit)],
            verifications,
            run is null ? null : AuditVerificationRunView.Of(run));
    }
}
