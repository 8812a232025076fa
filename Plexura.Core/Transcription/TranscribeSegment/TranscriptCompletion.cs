using System.Globalization;
using System.Text.Json;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Jobs;
using Plexura.Core.Notes.StartNote;
using Plexura.Core.Practices;
using Plexura.Core.Sessions;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Core.Transcription.TranscribeSegment;

/// <summary>
/// Ends a session's transcription: once every queued segment has its text, the session is transcribed and its raw
/// audio is deleted now or scheduled for deletion, as the practice's <see cref="AudioRetention"/> says.
/// </summary>
/// <remarks>
/// Called by each segment's job after it stored its text, and by the segment scheduler when the session moves to
/// transcribing (the last segment's job may have finished first). Both may run at once on different instances: the
/// versioned session update lets one win and the other find nothing left to do, and deletion is idempotent. Once the
/// session is transcribed its progress note is started (<see cref="SessionNoteStarter"/>, idempotent), also by any later
/// call, so a run that stopped in between still leaves a note.
/// </remarks>
public sealed class TranscriptCompletion(
    IClinicalSessionRepository sessions,
    ITranscriptRepository transcripts,
    IPracticeRepository practices,
    ISessionAudioStore audio,
    IJobQueue jobs,
    IAuditLog audit,
    SessionNoteStarter notes,
    TimeProvider time)
{
    /// <summary>The job kind that deletes a session's audio when its retention ends.</summary>
    public const string DeleteAudioJobKind = "delete-session-audio";

    /// <summary>Marks the session transcribed when every segment has text; true when this call did it.</summary>
    public async Task<bool> TryCompleteAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var session = await sessions.GetAsync(practiceId, sessionId, ct);
        if (session is { Status: ClinicalSessionStatus.Transcribed })
        {
            // A run that moved the session on but stopped before its note was started: start it now (idempotent).
            await notes.StartAsync(practiceId, sessionId, ct);
            return false;
        }

        if (session is not { Status: ClinicalSessionStatus.Transcribing })
        {
            return false;
        }

        var stored = (await transcripts.ListSegmentsAsync(practiceId, sessionId, ct)).Select(s => s.Index).ToHashSet();
        if (Enumerable.Range(0, session.SegmentCount).Any(index => !stored.Contains(index)))
        {
            return false;
        }

        var practice = await practices.GetAsync(practiceId, ct) ?? throw new RecordNotFoundException("practice");
        var keepUntil = time.GetUtcNow() + practice.AudioRetention.KeepFor();
        var done = await SessionJobs.UpdateAsync(
            sessions,
            practiceId,
            sessionId,
            s => s.Status == ClinicalSessionStatus.Transcribing
                ? s.MoveTo(ClinicalSessionStatus.Transcribed) with { FailureCode = null, AudioKeptUntil = keepUntil }
                : null,
            ct);
        if (done is null)
        {
            return false;
        }

        await SessionJobs.RecordAsync(
            audit, done, AuditAction.Updated, AuditResult.Success, SessionJobs.TranscriptTargetType, ct,
            ("event", "transcript-complete"), ("segments", done.SegmentCount.ToString(CultureInfo.InvariantCulture)));
        await notes.StartAsync(practiceId, sessionId, ct);
        if (practice.AudioRetention == AudioRetention.None)
        {
            await DeleteAudioAsync(practiceId, sessionId, ct);
        }
        else
        {
            await jobs.EnqueueAsync(
                new JobRequest(
                    DeleteAudioJobKind,
                    practiceId,
                    JsonSerializer.Serialize(new Dictionary<string, string> { ["sessionId"] = sessionId.ToString() }),
                    $"{DeleteAudioJobKind}/{sessionId}",
                    keepUntil),
                ct);
        }

        return true;
    }

    /// <summary>Destroys the session's audio and key (once), records when, and audits it.</summary>
    public async Task DeleteAudioAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var session = await sessions.GetAsync(practiceId, sessionId, ct);
        if (session is null || session.AudioDeletedAt is not null)
        {
            return;
        }

        await audio.DeleteAsync(practiceId, sessionId, ct);
        var deleted = await SessionJobs.UpdateAsync(
            sessions, practiceId, sessionId, s => s.AudioDeletedAt is null ? s with { AudioDeletedAt = time.GetUtcNow() } : null, ct);
        if (deleted is not null)
        {
            await SessionJobs.RecordAsync(
                audit, deleted, AuditAction.Deleted, AuditResult.Success, SessionJobs.AudioTargetType, ct, ("reason", "retention"));
        }
    }
}

/// <summary>Deletes a session's raw audio when the practice's retention period ends (kind <see cref="TranscriptCompletion.DeleteAudioJobKind"/>).</summary>
public sealed class DeleteSessionAudioJob(TranscriptCompletion completion) : IJobHandler
{
    /// <inheritdoc />
    public string Kind => TranscriptCompletion.DeleteAudioJobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.PracticeId is not { } practiceId || SessionJobs.SessionIdOf(context.Payload) is not { } sessionId)
        {
            return JobOutcome.Failed("bad-payload");
        }

        await completion.DeleteAudioAsync(practiceId, sessionId, ct);
        return JobOutcome.Done;
    }
}

/// <summary>
/// The durable recurring retention sweep (kind <see cref="JobKind"/>): deletes the audio of every session whose
/// retention has ended, whichever practice it belongs to.
/// </summary>
/// <remarks>
/// The per-session <see cref="DeleteSessionAudioJob"/> deletes on time; this sweep is what makes deletion certain when
/// that job was lost, failed, or ran before a change of the clock. Audio whose transcript is not complete has no
/// <see cref="ClinicalSession.AudioKeptUntil"/> and is never touched here: audio is kept until its transcript exists.
/// Only ids are read; deletion is idempotent and audited once (<see cref="TranscriptCompletion.DeleteAudioAsync"/>).
/// </remarks>
public sealed class AudioRetentionSweepJob(ISessionAudioStore audio, IClinicalSessionRepository sessions, TranscriptCompletion completion, TimeProvider time) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "audio-retention-sweep";

    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(15);

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await foreach (var held in audio.ListHeldAsync(ct))
        {
            var session = await sessions.GetAsync(held.PracticeId, held.SessionId, ct);
            if (session is { AudioDeletedAt: null, AudioKeptUntil: { } until } && until <= now)
            {
                await completion.DeleteAudioAsync(held.PracticeId, held.SessionId, ct);
            }
        }

        return JobOutcome.Done;
    }
}
