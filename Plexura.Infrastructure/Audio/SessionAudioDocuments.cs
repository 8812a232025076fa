using Plexura.Core.Common;

namespace Plexura.Infrastructure.Audio;

/// <summary>A session's audio key, wrapped by the practice's data key, with the index of the session's stored chunks.</summary>
/// <param name="Id">The session id (one key per session).</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="SessionId">The session.</param>
/// <param name="WrappedKey">The 256-bit session key sealed with the practice key (associated data: practice and session).</param>
/// <param name="CreatedAt">When the first chunk arrived.</param>
/// <param name="ChunkSamples">The sample count of each chunk 0, 1, ... stored without a gap.</param>
/// <param name="Ahead">Chunks stored beyond the first missing one, by sequence, with their sample counts.</param>
/// <param name="Version">Optimistic-concurrency version.</param>
/// <remarks>
/// The index lives with the key on purpose: deleting this one document makes the session's audio unreadable and
/// forgets where it was. Holds no audio and no PHI.
/// </remarks>
public sealed record SessionAudioKey(
    string Id,
    PracticeId PracticeId,
    ClinicalSessionId SessionId,
    byte[] WrappedKey,
    DateTimeOffset CreatedAt,
    IReadOnlyList<int> ChunkSamples,
    IReadOnlyList<AheadChunk> Ahead,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "session audio key";
}

/// <summary>A chunk stored beyond a gap.</summary>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Samples">How many samples it holds.</param>
public sealed record AheadChunk(int Sequence, int Samples);

/// <summary>One encrypted chunk of a session's audio.</summary>
/// <param name="Id"><c>{sessionId}:{sequence}</c>, the sequence zero-padded to six digits.</param>
/// <param name="PracticeId">The owning practice.</param>
/// <param name="SessionId">The session.</param>
/// <param name="Sequence">The chunk's number.</param>
/// <param name="Sealed">nonce ‖ ciphertext ‖ tag of the samples under the session key (associated data: practice, session, sequence).</param>
/// <param name="Version">Optimistic-concurrency version (chunks are never updated).</param>
/// <remarks>A five-second chunk is about 160 KB (the request limit is 1 MiB): far below MongoDB's 16 MB document limit.</remarks>
public sealed record SessionAudioChunk(
    string Id,
    PracticeId PracticeId,
    ClinicalSessionId SessionId,
    int Sequence,
    byte[] Sealed,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type named in errors.</summary>
    public const string RecordType = "session audio chunk";

    /// <summary>The id of chunk <paramref name="sequence"/> of <paramref name="sessionId"/>.</summary>
    public static string IdOf(ClinicalSessionId sessionId, int sequence) =>
        $"{sessionId}:{sequence.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)}";
}
