using Plexura.Core.Common;

namespace Plexura.Core.Sessions.Audio;

/// <summary>One transcription segment of a session's audio: samples <see cref="StartSample"/> (inclusive) to <see cref="EndSample"/> (exclusive).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Index">The segment's place on the session's timeline, from 0.</param>
/// <param name="StartSample">The first sample (16 kHz, from the start of the recording).</param>
/// <param name="EndSample">The sample after the last one; the next segment starts here.</param>
public sealed record SegmentSpan(ClinicalSessionId SessionId, int Index, long StartSample, long EndSample)
{
    /// <summary>How many samples the segment holds.</summary>
    public long Length => EndSample - StartSample;

    /// <summary>Where the segment starts on the session's timeline.</summary>
    public TimeSpan Start => PcmWav.Duration(StartSample);

    /// <summary>How long the segment lasts.</summary>
    public TimeSpan Duration => PcmWav.Duration(Length);
}

/// <summary>What storing a chunk did.</summary>
public enum ChunkPutResult
{
    /// <summary>The chunk is new and is now durably stored.</summary>
    Stored,

    /// <summary>The same bytes were already stored under this sequence number: nothing changed.</summary>
    Duplicate,

    /// <summary>Different bytes are already stored under this sequence number: nothing changed.</summary>
    Mismatch,
}

/// <summary>Which chunks of a session are stored.</summary>
/// <param name="NextSequence">The first sequence number not stored: every chunk before it is.</param>
/// <param name="StoredChunks">How many chunks are stored, including any beyond a gap.</param>
/// <param name="ContiguousSamples">How many samples chunks 0 to <paramref name="NextSequence"/> - 1 hold together.</param>
public sealed record AudioChunkStatus(int NextSequence, int StoredChunks, long ContiguousSamples)
{
    /// <summary>Nothing stored.</summary>
    public static readonly AudioChunkStatus Empty = new(0, 0, 0);
}

/// <summary>The outcome of <see cref="ISessionAudioStore.PutChunkAsync"/>.</summary>
/// <param name="Result">What happened to this chunk.</param>
/// <param name="Status">The session's stored chunks afterwards.</param>
public sealed record ChunkPutOutcome(ChunkPutResult Result, AudioChunkStatus Status);

/// <summary>A session's recorded audio at rest: 16 kHz mono 16-bit PCM chunks, each encrypted under the session's own key.</summary>
/// <remarks>
/// <para>Every session has its own random AES-256 key, stored only wrapped by the practice's data key; each chunk is
/// sealed with AES-256-GCM and associated data naming the practice, the session and the sequence number, so a chunk
/// copied to another place fails to decrypt. Deleting the session key (<see cref="DeleteAsync"/>) makes the session's
/// audio unreadable everywhere, backups included; destroying the practice key covers every session of the practice.</para>
/// <para>Every method takes the practice first and treats another practice's session as having no audio.</para>
/// </remarks>
public interface ISessionAudioStore
{
    /// <summary>
    /// Stores chunk <paramref name="sequence"/>'s samples durably before returning. A re-sent identical chunk is stored
    /// once (<see cref="ChunkPutResult.Duplicate"/>); different bytes under a stored sequence change nothing
    /// (<see cref="ChunkPutResult.Mismatch"/>).
    /// </summary>
    Task<ChunkPutOutcome> PutChunkAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, ReadOnlyMemory<byte> samples, CancellationToken ct);

    /// <summary>Which chunks are stored (<see cref="AudioChunkStatus.Empty"/> when none, or when the key was deleted).</summary>
    Task<AudioChunkStatus> GetStatusAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>The samples (little-endian bytes) of one chunk, or null when it is not stored or the session key is gone.</summary>
    Task<byte[]?> GetChunkAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct);

    /// <summary>Samples <paramref name="startSample"/> to <paramref name="endSample"/> (exclusive) of the contiguously stored audio.</summary>
    /// <exception cref="AudioUnavailableException">Part of the range is not stored, or the session key is gone.</exception>
    Task<short[]> ReadSamplesAsync(PracticeId practiceId, ClinicalSessionId sessionId, long startSample, long endSample, CancellationToken ct);

    /// <summary>The segment as a complete WAV file (the canonical 44-byte header and its samples).</summary>
    /// <exception cref="AudioUnavailableException">Part of the segment is not stored, or the session key is gone.</exception>
    Task<byte[]> ReadSegmentWavAsync(PracticeId practiceId, ClinicalSessionId sessionId, SegmentSpan segment, CancellationToken ct);

    /// <summary>Erases the session's audio: the key first (after which nothing is readable), then the chunks. Idempotent.</summary>
    Task DeleteAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct);

    /// <summary>Every session of every practice whose audio key still exists (for the retention sweep; reads no audio).</summary>
    IAsyncEnumerable<HeldAudio> ListHeldAsync(CancellationToken ct);
}

/// <summary>A session whose audio is still stored.</summary>
/// <param name="PracticeId">Its practice.</param>
/// <param name="SessionId">The session.</param>
public sealed record HeldAudio(PracticeId PracticeId, ClinicalSessionId SessionId);

/// <summary>Audio that was asked for is not stored (or no longer readable). The message names no PHI.</summary>
public sealed class AudioUnavailableException(string message) : Exception(message);
