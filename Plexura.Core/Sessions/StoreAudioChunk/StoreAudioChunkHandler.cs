using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Identity;
using Plexura.Core.Sessions.Audio;

namespace Plexura.Core.Sessions.StoreAudioChunk;

/// <summary>One chunk of a session's recording.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Sequence">The chunk's number, from 0 without gaps.</param>
/// <param name="Samples">The chunk's samples (16 kHz mono 16-bit little-endian), already taken out of their WAV.</param>
public sealed record StoreAudioChunkCommand(ClinicalSessionId SessionId, int Sequence, ReadOnlyMemory<byte> Samples)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(StoreAudioChunkCommand)} {{ SessionId = {SessionId}, Sequence = {Sequence}, audio hidden }}";
}

/// <summary>What storing a chunk did.</summary>
/// <param name="Sequence">The chunk's number.</param>
/// <param name="Duplicate">True when the same chunk was already stored (nothing changed).</param>
/// <param name="Session">The session afterwards.</param>
public sealed record StoreAudioChunkResult(int Sequence, bool Duplicate, ClinicalSession Session);

/// <summary>Why a chunk was refused.</summary>
public enum ChunkRefusal
{
    /// <summary>The sequence number is more than <see cref="StoreAudioChunkHandler.MaxAhead"/> past the first missing one (HTTP 422).</summary>
    TooFarAhead,

    /// <summary>The session was stopped and the chunk is at or beyond the count it was stopped with (HTTP 409).</summary>
    AfterStop,

    /// <summary>Different audio is already stored under this sequence number (HTTP 409).</summary>
    Mismatch,

    /// <summary>The client's recording or AI-processing consent is no longer active (HTTP 409, type consent-revoked).</summary>
    ConsentRevoked,
}

/// <summary>A chunk was refused; nothing was stored. The message is safe to show and names no PHI.</summary>
public sealed class AudioChunkRefusedException(ChunkRefusal reason, string message) : Exception(message)
{
    /// <summary>Why.</summary>
    public ChunkRefusal Reason { get; } = reason;
}

/// <summary>Stores one chunk of a recording durably, at most once, and queues every transcription segment it completes.</summary>
/// <remarks>
/// <para>Only the member who started the session, while they may still edit its client, may send its audio
/// (<see cref="SessionAccess.RequireOwnAsync"/>: anyone else's session is an audited "not found"). Each chunk checks
/// that the client's recording and AI-processing consents are still active: after a revocation no more audio is
/// taken and the recorder is told why. A chunk is accepted while the session records or is paused, and after stop
/// only below the chunk count the recorder stopped with. Accepted chunks are not audited one by one: the session's
/// start, pauses, resumptions and stop are.</para>
/// <para>The answer comes only after the chunk is durably stored and the segments it completes are queued
/// (<see cref="SegmentScheduler"/>); a duplicate runs the scheduler too, so a crash between storing and queueing is
/// repaired by the re-sent chunk.</para>
/// </remarks>
public sealed class StoreAudioChunkHandler(
    SessionAccess access, IClientConsentRepository consents, ISessionAudioStore audio, SegmentScheduler scheduler, TimeProvider time)
{
    /// <summary>How far past the first missing chunk a sequence number may be.</summary>
    public const int MaxAhead = 1000;

    /// <summary>The largest sequence number (about 5.8 days of 5-second chunks).</summary>
    public const int MaxSequence = 100_000;

    /// <summary>Shown when a consent was withdrawn during the session.</summary>
    public const string ConsentRevokedMessage =
        "The client's consent to recording or to AI processing is no longer active, so no more audio can be taken for this session.";

    /// <summary>Stores the chunk; see the remarks.</summary>
    /// <exception cref="RecordNotFoundException">No such session of the member's.</exception>
    /// <exception cref="AudioChunkRefusedException">The chunk cannot be taken; see <see cref="ChunkRefusal"/>.</exception>
    /// <exception cref="ValidationFailedException">The sequence number is out of range or the chunk is empty.</exception>
    public async Task<StoreAudioChunkResult> HandleAsync(StoreAudioChunkCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Sequence is < 0 or > MaxSequence)
        {
            throw new ValidationFailedException($"The sequence number must be between 0 and {MaxSequence}.");
        }

        if (command.Samples.IsEmpty || command.Samples.Length % PcmWav.BytesPerSample != 0)
        {
            throw new ValidationFailedException("The chunk must hold a whole number of samples, at least one.");
        }

        var (actor, session) = await access.RequireOwnAsync(command.SessionId, "audio-upload", client, ct);
        if (!session.IsOpen && (session.ChunkCount is not { } count || command.Sequence >= count))
        {
            throw new AudioChunkRefusedException(
                ChunkRefusal.AfterStop, $"The session was stopped after {session.ChunkCount ?? 0} chunks; chunk {command.Sequence} is beyond its end.");
        }

        var clientConsents = await consents.ListForClientAsync(actor.PracticeId, session.ClientId, ct);
        if (ConsentRules.MissingForRecording(clientConsents, time.GetUtcNow()).Count > 0)
        {
            throw new AudioChunkRefusedException(ChunkRefusal.ConsentRevoked, ConsentRevokedMessage);
        }

        var before = await audio.GetStatusAsync(actor.PracticeId, session.Id, ct);
        if (command.Sequence > before.NextSequence + MaxAhead)
        {
            throw new AudioChunkRefusedException(
                ChunkRefusal.TooFarAhead, $"Chunk {command.Sequence} is too far ahead: send chunk {before.NextSequence} and the ones after it first.");
        }

        var outcome = await audio.PutChunkAsync(actor.PracticeId, session.Id, command.Sequence, command.Samples, ct);
        if (outcome.Result == ChunkPutResult.Mismatch)
        {
            throw new AudioChunkRefusedException(ChunkRefusal.Mismatch, $"A different chunk {command.Sequence} is already stored for this session.");
        }

        var advanced = await scheduler.AdvanceAsync(session, outcome.Status, ct);
        return new StoreAudioChunkResult(command.Sequence, outcome.Result == ChunkPutResult.Duplicate, advanced);
    }
}
