using System.Globalization;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Core.Sessions.ChangeRecording;

/// <summary>Pause a recording.</summary>
/// <param name="SessionId">The session.</param>
public sealed record PauseRecordingCommand(ClinicalSessionId SessionId);

/// <summary>Resume a paused recording.</summary>
/// <param name="SessionId">The session.</param>
public sealed record ResumeRecordingCommand(ClinicalSessionId SessionId);

/// <summary>Stop a recording after <paramref name="ChunkCount"/> chunks (sequences 0 to <paramref name="ChunkCount"/> - 1).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ChunkCount">How many chunks the recorder captured in all, sent or not yet sent.</param>
public sealed record StopRecordingCommand(ClinicalSessionId SessionId, int ChunkCount);

/// <summary>Pauses a recording: the member's own session, recording → paused, audited. Pausing a paused session changes nothing.</summary>
public sealed class PauseRecordingHandler(SessionAccess access, IClinicalSessionRepository sessions)
{
    /// <summary>Pauses; returns the session as stored.</summary>
    /// <exception cref="RecordNotFoundException">No such session of the member's.</exception>
    /// <exception cref="InvalidSessionTransitionException">The session is not recording.</exception>
    public async Task<ClinicalSession> HandleAsync(PauseRecordingCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (actor, session) = await access.RequireOwnAsync(command.SessionId, "pause", client, ct);
        if (session.Status == ClinicalSessionStatus.Paused)
        {
            return session;
        }

        var paused = await sessions.UpdateAsync(actor.PracticeId, session.MoveTo(ClinicalSessionStatus.Paused), ct);
        await access.RecordAsync(actor, paused, "recording-paused", client, ct);
        return paused;
    }
}

/// <summary>Resumes a recording: the member's own session, paused → recording, audited. Resuming a recording session changes nothing.</summary>
public sealed class ResumeRecordingHandler(SessionAccess access, IClinicalSessionRepository sessions)
{
    /// <summary>Resumes; returns the session as stored.</summary>
    /// <exception cref="RecordNotFoundException">No such session of the member's.</exception>
    /// <exception cref="InvalidSessionTransitionException">The session is not paused.</exception>
    public async Task<ClinicalSession> HandleAsync(ResumeRecordingCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (actor, session) = await access.RequireOwnAsync(command.SessionId, "resume", client, ct);
        if (session.Status == ClinicalSessionStatus.Recording)
        {
            return session;
        }

        var resumed = await sessions.UpdateAsync(actor.PracticeId, session.MoveTo(ClinicalSessionStatus.Recording), ct);
        await access.RecordAsync(actor, resumed, "recording-resumed", client, ct);
        return resumed;
    }
}

/// <summary>Stops a recording with the number of chunks the recorder captured; the session then waits for the rest of its audio.</summary>
/// <remarks>
/// Recording or paused → stopped, with <see cref="ClinicalSession.ChunkCount"/> and <see cref="ClinicalSession.StoppedAt"/>,
/// audited. A count below the chunks already stored is refused. Stopping again with the same count changes nothing
/// (a retried request); with another count it is a conflict. When every chunk is already stored the last segment is
/// queued at once and the session becomes transcribing (<see cref="SegmentScheduler"/>).
/// </remarks>
public sealed class StopRecordingHandler(
    SessionAccess access, IClinicalSessionRepository sessions, ISessionAudioStore audio, SegmentScheduler scheduler, TimeProvider time)
{
    /// <summary>Stops; returns the session as stored.</summary>
    /// <exception cref="RecordNotFoundException">No such session of the member's.</exception>
    /// <exception cref="ValidationFailedException">The count is negative or below the chunks already stored.</exception>
    /// <exception cref="InvalidSessionTransitionException">The session was stopped with another count, or is past stopping.</exception>
    public async Task<ClinicalSession> HandleAsync(StopRecordingCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.ChunkCount is < 0 or > StoreAudioChunk.StoreAudioChunkHandler.MaxSequence + 1)
        {
            throw new ValidationFailedException("chunkCount must be the number of chunks recorded (0 or more).");
        }

        var (actor, session) = await access.RequireOwnAsync(command.SessionId, "stop", client, ct);
        if (!session.IsOpen && session.ChunkCount == command.ChunkCount)
        {
            return await scheduler.AdvanceAsync(session, ct);
        }

        var status = await audio.GetStatusAsync(actor.PracticeId, session.Id, ct);
        if (command.ChunkCount < status.StoredChunks)
        {
            throw new ValidationFailedException(
                $"{status.StoredChunks.ToString(CultureInfo.InvariantCulture)} chunks are already stored: chunkCount cannot be smaller.");
        }

        var stopped = await sessions.UpdateAsync(
            actor.PracticeId,
            session.MoveTo(ClinicalSessionStatus.Stopped) with { ChunkCount = command.ChunkCount, StoppedAt = time.GetUtcNow() },
            ct);
        await access.RecordAsync(actor, stopped, "recording-stopped", client, ct, ("chunks", command.ChunkCount.ToString(CultureInfo.InvariantCulture)));
        return await scheduler.AdvanceAsync(stopped, ct);
    }
}
