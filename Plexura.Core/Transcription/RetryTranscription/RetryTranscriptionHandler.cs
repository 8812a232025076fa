using System.Globalization;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Identity;
using Plexura.Core.Jobs;
using Plexura.Core.Practices.Access;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Core.Transcription.RetryTranscription;

/// <summary>Try a session's failed transcription again (the session page's Retry action).</summary>
/// <param name="SessionId">The clinical session.</param>
public sealed record RetryTranscriptionCommand(ClinicalSessionId SessionId);

/// <summary>A retry that cannot happen now, with the reason in plain words (HTTP 409). The message names no PHI.</summary>
/// <param name="code">The session's failure code (<c>consent-revoked</c>, <c>audio-deleted</c>).</param>
/// <param name="message">What the member is told.</param>
public sealed class TranscriptionRetryRefusedException(string code, string message) : Exception(message)
{
    /// <summary>Why: the session's failure code.</summary>
    public string Code { get; } = code;
}

/// <summary>
/// Moves a failed session back to transcribing and puts its failed <c>transcribe-segment</c> jobs back in the queue,
/// each due now with a fresh attempt count.
/// </summary>
/// <remarks>
/// <para>Needs <see cref="ClientPermission.Edit"/> on the session's client (through <see cref="SessionTranscriptAccess"/>,
/// so another practice's session is "not found", audited). Audited as <see cref="AuditAction.Updated"/> on the
/// transcript with how many jobs went back to the queue.</para>
/// <para>State rules: only a <see cref="ClinicalSessionStatus.Failed"/> session is retried; a session in any other state
/// has nothing to retry and is returned unchanged (a second tab or a double click). A session that failed because the
/// client's consent was withdrawn (<c>consent-revoked</c>) is refused with <see cref="TranscriptionRetryRefusedException"/>
/// until the client's consents to recording and to AI processing are active again; one whose audio was already deleted
/// (<c>audio-deleted</c>) can never be retried.</para>
/// </remarks>
public sealed class RetryTranscriptionHandler(
    SessionTranscriptAccess access,
    IClinicalSessionRepository sessions,
    IClientConsentRepository consents,
    IJobQueue jobs,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>The failure code of a permanent transcription error (what Retry is for).</summary>
    public const string TranscriptionFailed = "transcription-failed";

    /// <summary>The failure code of a withdrawn consent.</summary>
    public const string ConsentRevoked = "consent-revoked";

    /// <summary>The failure code of a session whose audio is gone.</summary>
    public const string AudioDeleted = "audio-deleted";

    /// <summary>Shown when Retry is asked while the consent is still withdrawn.</summary>
    public const string ConsentStillMissingMessage =
        "Transcription cannot be retried: the client's consent to recording or to AI processing is not active. Record the consent again on the client's page first.";

    /// <summary>Shown when Retry is asked after the audio was deleted.</summary>
    public const string AudioDeletedMessage = "Transcription cannot be retried: the recording was deleted.";

    /// <summary>The session as stored after the retry.</summary>
    /// <exception cref="RecordNotFoundException">No such session in the member's practice.</exception>
    /// <exception cref="AccessDeniedException">The member may not edit the session's client.</exception>
    /// <exception cref="TranscriptionRetryRefusedException">The consent is still withdrawn, or the audio is gone.</exception>
    /// <exception cref="ConcurrencyConflictException">The session changed at the same moment; try again.</exception>
    public async Task<ClinicalSession> HandleAsync(RetryTranscriptionCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (allowed, session) = await access.RequireAsync(command.SessionId, ClientPermission.Edit, client, ct);
        var actor = allowed.Actor;
        if (session.Status != ClinicalSessionStatus.Failed)
        {
            return session;
        }

        if (session.FailureCode == AudioDeleted || session.AudioDeletedAt is not null)
        {
            await RefusedAsync(actor, session, AudioDeleted, client, ct);
            throw new TranscriptionRetryRefusedException(AudioDeleted, AudioDeletedMessage);
        }

        var missing = ConsentRules.MissingForRecording(await consents.ListForClientAsync(actor.PracticeId, session.ClientId, ct), time.GetUtcNow());
        if (missing.Count > 0)
        {
            await RefusedAsync(actor, session, ConsentRevoked, client, ct);
            throw new TranscriptionRetryRefusedException(ConsentRevoked, ConsentStillMissingMessage);
        }

        var retried = await sessions.UpdateAsync(actor.PracticeId, session.MoveTo(ClinicalSessionStatus.Transcribing) with { FailureCode = null }, ct);
        var requeued = 0;
        foreach (var job in await jobs.ListFailedAsync(actor.PracticeId, $"{SegmentScheduler.JobKind}/{session.Id}/", ct))
        {
            if (await jobs.RetryAsync(actor.PracticeId, job.DedupeKey, ct))
            {
                requeued++;
            }
        }

        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Updated, AuditResult.Success, SessionTranscriptAccess.TranscriptTarget, session.Id.ToString(), session.ClientId, ct,
            ("change", "transcription-retried"),
            ("previous-failure", session.FailureCode ?? "none"),
            ("jobs", requeued.ToString(CultureInfo.InvariantCulture)));
        return retried;
    }

    private Task<AuditEvent> RefusedAsync(PracticeActor actor, ClinicalSession session, string code, ClientInfo client, CancellationToken ct) =>
        AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Updated, AuditResult.Failed, SessionTranscriptAccess.TranscriptTarget, session.Id.ToString(), session.ClientId, ct,
            ("change", "transcription-retry-refused"), ("reason", code));
}
