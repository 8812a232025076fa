using System.Text.Json;
using Plexura.Core.Auditing;
using Plexura.Core.Consent;
using Plexura.Core.Jobs;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Core.Transcription.TranscribeSegment;

/// <summary>
/// Transcribes one segment of a session's audio (kind <see cref="SegmentScheduler.JobKind"/>, queued by the segment
/// scheduler as soon as the segment is complete) and stores its text once.
/// </summary>
/// <remarks>
/// <para><b>At least once, effect once.</b> A segment whose text is stored is not sent again; a run that stored it and
/// died before finishing is completed by the next run without a second request to OpenAI.</para>
/// <para><b>Consent, every run.</b> The client's recording and AI-processing consents are read when the job runs, not
/// when it was queued: after a revocation no audio goes to OpenAI, the session records why
/// (<c>consent-revoked</c>), the refusal is audited, and the audio is kept (it has no transcript).</para>
/// <para><b>Failures.</b> A transient failure (429 with its Retry-After, 5xx, timeout) is retried
/// by the job runner with backoff; while no key is configured the job waits without using up its attempts, so
/// sessions recorded meanwhile are transcribed once a key is set; a permanent one fails the session with <c>transcription-failed</c> and is audited,
/// and the Retry action queues the job again. Nothing from the audio or the transcript is logged or audited.</para>
/// </remarks>
public sealed class TranscribeSegmentJob(
    IClinicalSessionRepository sessions,
    IClientConsentRepository consents,
    ISessionAudioStore audio,
    ITranscriptRepository transcripts,
    ITranscriptionService transcriber,
    TranscriptProtector protector,
    TranscriptCompletion completion,
    IAuditLog audit,
    TimeProvider time) : IJobHandler
{
    /// <summary>How long a session waits before asking again whether a key has been configured.</summary>
    public static readonly TimeSpan NotConfiguredRetry = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public string Kind => SegmentScheduler.JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PracticeId is not { } practiceId || Parse(context.Payload) is not { } segment)
        {
            return JobOutcome.Failed("bad-payload");
        }

        var session = await sessions.GetAsync(practiceId, segment.SessionId, ct);
        if (session is null)
        {
            return JobOutcome.Done;
        }

        if (await transcripts.GetSegmentAsync(practiceId, segment.SessionId, segment.Index, ct) is null)
        {
            var refusal = await TranscribeAsync(session, segment, context.IsLastAttempt, ct);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        await completion.TryCompleteAsync(practiceId, segment.SessionId, ct);
        return JobOutcome.Done;
    }

    /// <summary>Sends the segment and stores its text; an outcome other than success, or null when stored.</summary>
    private async Task<JobOutcome?> TranscribeAsync(ClinicalSession session, SegmentSpan segment, bool isLastAttempt, CancellationToken ct)
    {
        var missing = ConsentRules.MissingForRecording(await consents.ListForClientAsync(session.PracticeId, session.ClientId, ct), time.GetUtcNow());
        if (missing.Count > 0)
        {
            await FailAsync(session, "consent-revoked", ct);
            return JobOutcome.Failed("consent-revoked");
        }

        if (session.AudioDeletedAt is not null)
        {
            await FailAsync(session, "audio-deleted", ct);
            return JobOutcome.Failed("audio-deleted");
        }

        if (!transcriber.IsConfigured)
        {
            return JobOutcome.Postpone(NotConfiguredRetry, TranscriptionFailedException.NotConfigured);
        }

        TranscriptionResult result;
        try
        {
            var wav = await audio.ReadSegmentWavAsync(session.PracticeId, session.Id, segment, ct);
            result = await transcriber.TranscribeAsync(new TranscriptionRequest(wav, segment.Duration), ct);
        }
        catch (TranscriptionFailedException e) when (e.IsTransient)
        {
            if (isLastAttempt)
            {
                // The runner gives up after this run: show the failure on the session, with its Retry action.
                await FailAsync(session, "transcription-failed", ct, e.Code);
            }

            return JobOutcome.RetryLater(e.RetryAfter, e.Code);
        }
        catch (TranscriptionFailedException e)
        {
            await FailAsync(session, "transcription-failed", ct, e.Code);
            return JobOutcome.Failed(e.Code);
        }

        await protector.SaveMachineTextAsync(session.PracticeId, session.Id, segment.Index, segment.Start, segment.Start + segment.Duration, result, ct);
        return null;
    }

    /// <summary>Records on the session why its transcript cannot be made, and audits it (codes only).</summary>
    private async Task FailAsync(ClinicalSession session, string reason, CancellationToken ct, string? code = null)
    {
        var failed = await SessionJobs.UpdateAsync(
            sessions,
            session.PracticeId,
            session.Id,
            s => (s.FailureCode == reason, ClinicalSessionTransitions.IsAllowed(s.Status, ClinicalSessionStatus.Failed)) switch
            {
                (true, false) => null,
                (_, true) => s.MoveTo(ClinicalSessionStatus.Failed) with { FailureCode = reason },
                _ => s with { FailureCode = reason },
            },
            ct);
        await SessionJobs.RecordAsync(
            audit, failed ?? session, AuditAction.Updated, AuditResult.Failed, SessionJobs.TranscriptTargetType, ct,
            ("event", "transcription-failed"), ("reason", reason), ("code", code ?? reason));
    }

    /// <summary>The segment named by a payload written by <see cref="SegmentScheduler.Payload"/>; null when malformed.</summary>
    internal static SegmentSpan? Parse(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (SessionJobs.SessionIdOf(payload) is not { } sessionId
                || !root.TryGetProperty("index", out var index) || !index.TryGetInt32(out var i) || i < 0
                || !root.TryGetProperty("startSample", out var start) || !start.TryGetInt64(out var s) || s < 0
                || !root.TryGetProperty("endSample", out var end) || !end.TryGetInt64(out var e) || e <= s)
            {
                return null;
            }

            return new SegmentSpan(sessionId, i, s, e);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
