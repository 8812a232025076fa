using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Common;
using Plexura.Core.Sessions.Audio;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Security;

namespace Plexura.Infrastructure.Audio;

/// <summary>Session audio in the app's own database (either engine), AES-256-GCM under a per-session key wrapped by the practice key.</summary>
/// <remarks>
/// <para>Layout: one <see cref="SessionAudioKey"/> per session (collection <c>session_audio_keys</c>, in the
/// <see cref="KeyVault"/>) and one sealed chunk per practice, session and sequence (<see cref="ISealedChunkStore"/>, in
/// the main database), so the same chunk can only be inserted once. A chunk is inserted first and then indexed on the key document with a
/// versioned update (retried on conflict); a crash in between leaves a stored, unindexed chunk that the re-sent chunk
/// indexes (its insert finds the same bytes). Identical bytes are recognised by decrypting the stored chunk.</para>
/// <para>Associated data: the session key is bound to practice and session, each chunk to practice, session and
/// sequence. Deleting the key document erases the audio: chunks remain only as ciphertexts under a key that no
/// longer exists, and are then deleted too.</para>
/// </remarks>
internal sealed class EncryptedSessionAudioStore(KeyVault vault, PracticeKeyService practiceKeys, TimeProvider time, ISealedChunkStore chunks)
    : ISessionAudioStore
{
    private const int KeySize = 32;
    private const int MaxAttempts = 20;

    // In the key vault, a database of its own: main-database backups hold only the chunks' ciphertext.
    private readonly IDocumentCollection<SessionAudioKey> _keys = vault.Store.Collection(Collections.SessionAudioKeys);

    public async Task<ChunkPutOutcome> PutChunkAsync(
        PracticeId practiceId, ClinicalSessionId sessionId, int sequence, ReadOnlyMemory<byte> samples, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (samples.IsEmpty || samples.Length % PcmWav.BytesPerSample != 0)
        {
            throw new ArgumentException("A chunk holds a whole number of samples, at least one.", nameof(samples));
        }

        var scope = DocumentScope.Practice(practiceId);
        var keyDoc = await _keys.GetAsync(scope, sessionId.ToString(), ct) ?? await CreateKeyAsync(practiceId, sessionId, ct);
        var sessionKey = await UnwrapAsync(keyDoc, ct);
        try
        {
            if (IsIndexed(keyDoc, sequence))
            {
                var same = await SameAsStoredAsync(practiceId, sessionId, sequence, sessionKey, samples, ct);
                return new ChunkPutOutcome(same ?? true ? ChunkPutResult.Duplicate : ChunkPutResult.Mismatch, StatusOf(keyDoc));
            }

            var result = ChunkPutResult.Stored;
            try
            {
                await chunks.InsertAsync(practiceId, sessionId, sequence, AesGcmBox.Seal(sessionKey, samples.Span, ChunkAad(practiceId, sessionId, sequence)), ct);
            }
            catch (DuplicateRecordException)
            {
                if (await SameAsStoredAsync(practiceId, sessionId, sequence, sessionKey, samples, ct) is false)
                {
                    return new ChunkPutOutcome(ChunkPutResult.Mismatch, StatusOf(await _keys.GetAsync(scope, sessionId.ToString(), ct) ?? keyDoc));
                }

                result = ChunkPutResult.Duplicate;
            }

            var indexed = await IndexAsync(scope, keyDoc, sequence, samples.Length / PcmWav.BytesPerSample, ct);
            return new ChunkPutOutcome(result, StatusOf(indexed));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    public async Task<AudioChunkStatus> GetStatusAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var keyDoc = await _keys.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct);
        return keyDoc is null ? AudioChunkStatus.Empty : StatusOf(keyDoc);
    }

    public async Task<byte[]?> GetChunkAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct)
    {
        var keyDoc = await _keys.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct);
        if (keyDoc is null)
        {
            return null;
        }

        var sessionKey = await UnwrapAsync(keyDoc, ct);
        try
        {
            return await OpenChunkAsync(practiceId, sessionId, sequence, sessionKey, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    public async Task<short[]> ReadSamplesAsync(PracticeId practiceId, ClinicalSessionId sessionId, long startSample, long endSample, CancellationToken ct)
    {
        if (startSample < 0 || endSample < startSample)
        {
            throw new ArgumentOutOfRangeException(nameof(endSample), "The range must run forwards from sample 0 or later.");
        }

        var keyDoc = await _keys.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct)
            ?? throw new AudioUnavailableException("The session has no stored audio.");
        if (endSample > keyDoc.ChunkSamples.Sum(c => (long)c))
        {
            throw new AudioUnavailableException("Part of the requested audio is not stored.");
        }

        var output = new short[endSample - startSample];
        var sessionKey = await UnwrapAsync(keyDoc, ct);
        try
        {
            long chunkStart = 0;
            for (var sequence = 0; sequence < keyDoc.ChunkSamples.Count && chunkStart < endSample; sequence++)
            {
                var chunkEnd = chunkStart + keyDoc.ChunkSamples[sequence];
                if (chunkEnd > startSample)
                {
                    var bytes = await OpenChunkAsync(practiceId, sessionId, sequence, sessionKey, ct)
                        ?? throw new AudioUnavailableException("A stored chunk is missing.");
                    try
                    {
                        var samples = PcmWav.ToSamples(bytes);
                        var from = Math.Max(startSample, chunkStart);
                        var to = Math.Min(endSample, chunkEnd);
                        samples.AsSpan((int)(from - chunkStart), (int)(to - from)).CopyTo(output.AsSpan((int)(from - startSample)));
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(bytes);
                    }
                }

                chunkStart = chunkEnd;
            }

            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    public async Task<byte[]> ReadSegmentWavAsync(PracticeId practiceId, ClinicalSessionId sessionId, SegmentSpan segment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.SessionId != sessionId)
        {
            throw new ArgumentException("The segment belongs to another session.", nameof(segment));
        }

        return PcmWav.Write(await ReadSamplesAsync(practiceId, sessionId, segment.StartSample, segment.EndSample, ct));
    }

    public async IAsyncEnumerable<HeldAudio> ListHeldAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var key in _keys.ScanAllAsync(ct))
        {
            yield return new HeldAudio(key.PracticeId, key.SessionId);
        }
    }

    public async Task DeleteAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var scope = DocumentScope.Practice(practiceId);
        var keyDoc = await _keys.GetAsync(scope, sessionId.ToString(), ct);
        if (keyDoc is null)
        {
            return;
        }

        var sequences = Enumerable.Range(0, keyDoc.ChunkSamples.Count).Concat(keyDoc.Ahead.Select(a => a.Sequence)).ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _keys.DeleteAsync(scope, keyDoc.Id, keyDoc.Version, ct);
                break;
            }
            catch (RecordNotFoundException)
            {
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                keyDoc = await _keys.GetAsync(scope, sessionId.ToString(), ct);
                if (keyDoc is null)
                {
                    return;
                }

                sequences = [.. Enumerable.Range(0, keyDoc.ChunkSamples.Count).Concat(keyDoc.Ahead.Select(a => a.Sequence))];
            }
        }

        // The audio is unreadable from here on; the ciphertexts go too.
        foreach (var sequence in sequences)
        {
            await chunks.DeleteAsync(practiceId, sessionId, sequence, ct);
        }
    }

    private static bool IsIndexed(SessionAudioKey keyDoc, int sequence) =>
        sequence < keyDoc.ChunkSamples.Count || keyDoc.Ahead.Any(a => a.Sequence == sequence);

    private static AudioChunkStatus StatusOf(SessionAudioKey keyDoc) =>
        new(keyDoc.ChunkSamples.Count, keyDoc.ChunkSamples.Count + keyDoc.Ahead.Count, keyDoc.ChunkSamples.Sum(c => (long)c));

    private static byte[] KeyAad(PracticeId practiceId, ClinicalSessionId sessionId) =>
        Encoding.UTF8.GetBytes($"plexura-audio-key|v1|{practiceId}|{sessionId}");

    private static byte[] ChunkAad(PracticeId practiceId, ClinicalSessionId sessionId, int sequence) =>
        Encoding.UTF8.GetBytes($"plexura-audio|v1|{practiceId}|{sessionId}|{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    private async Task<SessionAudioKey> CreateKeyAsync(PracticeId practiceId, ClinicalSessionId sessionId, CancellationToken ct)
    {
        var practiceKey = await practiceKeys.GetKeyAsync(practiceId, ct);
        var sessionKey = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var keyDoc = new SessionAudioKey(
                sessionId.ToString(), practiceId, sessionId, AesGcmBox.Seal(practiceKey, sessionKey, KeyAad(practiceId, sessionId)), time.GetUtcNow(), [], []);
            await _keys.InsertAsync(DocumentScope.Practice(practiceId), keyDoc, ct);
            return keyDoc;
        }
        catch (DuplicateRecordException)
        {
            // Another request made the key first: use that one.
            return await _keys.GetAsync(DocumentScope.Practice(practiceId), sessionId.ToString(), ct)
                ?? throw new ConcurrencyConflictException(SessionAudioKey.RecordType);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionKey);
        }
    }

    private async Task<byte[]> UnwrapAsync(SessionAudioKey keyDoc, CancellationToken ct)
    {
        var practiceKey = await practiceKeys.GetKeyAsync(keyDoc.PracticeId, ct);
        try
        {
            return AesGcmBox.Open(practiceKey, keyDoc.WrappedKey, KeyAad(keyDoc.PracticeId, keyDoc.SessionId));
        }
        catch (CryptographicException)
        {
            throw new AudioUnavailableException("The session's audio key cannot be unwrapped.");
        }
    }

    /// <summary>The chunk's samples, or null when it is not stored.</summary>
    private async Task<byte[]?> OpenChunkAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, byte[] sessionKey, CancellationToken ct)
    {
        var sealedChunk = await chunks.GetAsync(practiceId, sessionId, sequence, ct);
        if (sealedChunk is null)
        {
            return null;
        }

        try
        {
            return AesGcmBox.Open(sessionKey, sealedChunk, ChunkAad(practiceId, sessionId, sequence));
        }
        catch (CryptographicException)
        {
            throw new AudioUnavailableException("A stored chunk fails authentication: it was altered or belongs elsewhere.");
        }
    }

    /// <summary>Whether the stored chunk holds exactly <paramref name="samples"/>; null when none is stored.</summary>
    private async Task<bool?> SameAsStoredAsync(
        PracticeId practiceId, ClinicalSessionId sessionId, int sequence, byte[] sessionKey, ReadOnlyMemory<byte> samples, CancellationToken ct)
    {
        var stored = await OpenChunkAsync(practiceId, sessionId, sequence, sessionKey, ct);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return CryptographicOperations.FixedTimeEquals(stored, samples.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored);
        }
    }

    /// <summary>Records chunk <paramref name="sequence"/> in the key document's index (idempotent), retrying on a concurrent update.</summary>
    private async Task<SessionAudioKey> IndexAsync(DocumentScope scope, SessionAudioKey keyDoc, int sequence, int samples, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (IsIndexed(keyDoc, sequence))
            {
                return keyDoc;
            }

            var contiguous = keyDoc.ChunkSamples.ToList();
            var ahead = keyDoc.Ahead.Append(new AheadChunk(sequence, samples)).ToDictionary(a => a.Sequence, a => a.Samples);
            while (ahead.Remove(contiguous.Count, out var next))
            {
                contiguous.Add(next);
            }

            var updated = keyDoc with { ChunkSamples = contiguous, Ahead = [.. ahead.OrderBy(a => a.Key).Select(a => new AheadChunk(a.Key, a.Value))] };
            try
            {
                return await _keys.ReplaceAsync(scope, updated, ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                keyDoc = await _keys.GetAsync(scope, keyDoc.Id, ct) ?? throw new AudioUnavailableException("The session's audio was deleted.");
            }
        }
    }
}
