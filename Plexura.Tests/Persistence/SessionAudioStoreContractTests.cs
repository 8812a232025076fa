using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Core.Sessions.Audio;
using Plexura.Infrastructure.Audio;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Sqlite;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The session audio store contract: encrypted chunks, stored once, bound to their place, erased with their key.</summary>
public abstract class SessionAudioStoreContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private ISessionAudioStore Audio => fixture.Get<ISessionAudioStore>();

    /// <summary>The storage the tests run on.</summary>
    protected TFixture Fixture => fixture;

    private ISealedChunkStore Chunks => fixture.Get<ISealedChunkStore>();

    [EngineFact]
    public async Task PutChunk_ThenGet_RoundTripsAndIsStoredOnlyAsCiphertext()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var samples = Samples(16_000, seed: 1);

        var put = await Audio.PutChunkAsync(practice, session, 0, samples, Ct);
        var read = await Audio.GetChunkAsync(practice, session, 0, Ct);

        Assert.Equal(ChunkPutResult.Stored, put.Result);
        Assert.Equal(new AudioChunkStatus(1, 1, 8_000), put.Status);
        Assert.Equal(samples, read);
        var stored = await Chunks.GetAsync(practice, session, 0, Ct);
        Assert.NotNull(stored);
        Assert.Equal(samples.Length + 28, stored.Length);
        Assert.False(stored.AsSpan().IndexOf(samples.AsSpan(100, 64)) >= 0, "the samples must not be stored in the clear");
    }

    [EngineFact]
    public async Task PutChunk_SameBytesTwice_IsStoredOnceAndDifferentBytesAreAMismatchThatChangesNothing()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var samples = Samples(3_200, seed: 2);

        await Audio.PutChunkAsync(practice, session, 0, samples, Ct);
        var again = await Audio.PutChunkAsync(practice, session, 0, samples, Ct);
        var other = await Audio.PutChunkAsync(practice, session, 0, Samples(3_200, seed: 3), Ct);

        Assert.Equal(ChunkPutResult.Duplicate, again.Result);
        Assert.Equal(ChunkPutResult.Mismatch, other.Result);
        Assert.Equal(new AudioChunkStatus(1, 1, 1_600), other.Status);
        Assert.Equal(samples, await Audio.GetChunkAsync(practice, session, 0, Ct));
    }

    [EngineFact]
    public async Task PutChunk_OutOfOrder_CountsAheadChunksAndJoinsThemWhenTheGapFills()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var chunks = Enumerable.Range(0, 4).Select(i => Samples(2_000 + (i * 2), seed: 10 + i)).ToList();

        await Audio.PutChunkAsync(practice, session, 2, chunks[2], Ct);
        await Audio.PutChunkAsync(practice, session, 0, chunks[0], Ct);
        var gap = await Audio.GetStatusAsync(practice, session, Ct);
        await Audio.PutChunkAsync(practice, session, 3, chunks[3], Ct);
        var filled = await Audio.PutChunkAsync(practice, session, 1, chunks[1], Ct);

        Assert.Equal(new AudioChunkStatus(1, 2, 1_000), gap);
        Assert.Equal(new AudioChunkStatus(4, 4, chunks.Sum(c => c.Length / 2)), filled.Status);
        var all = chunks.SelectMany(c => PcmWav.ToSamples(c)).ToArray();
        Assert.Equal(all, await Audio.ReadSamplesAsync(practice, session, 0, all.Length, Ct));
        Assert.Equal(all[999..3005], await Audio.ReadSamplesAsync(practice, session, 999, 3005, Ct));
    }

    [EngineFact]
    public async Task PutChunk_ConcurrentDifferentSequences_AllIndexed()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Audio.PutChunkAsync(practice, session, i, Samples(800, seed: i), Ct)));

        Assert.Equal(new AudioChunkStatus(12, 12, 12 * 400), await Audio.GetStatusAsync(practice, session, Ct));
    }

    [EngineFact]
    public async Task ReadSegmentWav_IsACanonicalWavOfExactlyTheSpan()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        await Audio.PutChunkAsync(practice, session, 0, Samples(4_000, seed: 4), Ct);
        await Audio.PutChunkAsync(practice, session, 1, Samples(4_000, seed: 5), Ct);

        var wav = await Audio.ReadSegmentWavAsync(practice, session, new SegmentSpan(session, 0, 1_500, 2_500), Ct);

        var samples = PcmWav.TryReadSamples(wav, out _);
        Assert.NotNull(samples);
        Assert.Equal((await Audio.ReadSamplesAsync(practice, session, 0, 4_000, Ct))[1_500..2_500], PcmWav.ToSamples(samples.Value.Span));
        await Assert.ThrowsAsync<AudioUnavailableException>(() => Audio.ReadSegmentWavAsync(practice, session, new SegmentSpan(session, 1, 3_000, 4_001), Ct));
    }

    [EngineFact]
    public async Task Chunk_CopiedToAnotherSequenceOrSession_FailsToDecrypt()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var otherSession = ClinicalSessionId.New();
        await Audio.PutChunkAsync(practice, session, 0, Samples(1_000, seed: 6), Ct);
        await Audio.PutChunkAsync(practice, otherSession, 0, Samples(1_000, seed: 7), Ct);
        var original = (await Chunks.GetAsync(practice, session, 0, Ct))!;

        // Behind the app's back, as someone with database access would: chunk 0 planted as chunk 5, and over the other session's chunk 0.
        await Chunks.InsertAsync(practice, session, 5, original, Ct);
        await Chunks.DeleteAsync(practice, otherSession, 0, Ct);
        await Chunks.InsertAsync(practice, otherSession, 0, original, Ct);

        await Assert.ThrowsAsync<AudioUnavailableException>(() => Audio.GetChunkAsync(practice, session, 5, Ct));
        await Assert.ThrowsAsync<AudioUnavailableException>(() => Audio.GetChunkAsync(practice, otherSession, 0, Ct));
    }

    [EngineFact]
    public async Task Delete_ErasesTheKeySoNothingIsReadableAndRemovesTheChunks()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var kept = ClinicalSessionId.New();
        await Audio.PutChunkAsync(practice, session, 0, Samples(1_000, seed: 8), Ct);
        await Audio.PutChunkAsync(practice, session, 2, Samples(1_000, seed: 9), Ct);
        await Audio.PutChunkAsync(practice, kept, 0, Samples(1_000, seed: 10), Ct);
        var sealedCopy = (await Chunks.GetAsync(practice, session, 0, Ct))!;

        await Audio.DeleteAsync(practice, session, Ct);
        await Audio.DeleteAsync(practice, session, Ct);

        Assert.Equal(AudioChunkStatus.Empty, await Audio.GetStatusAsync(practice, session, Ct));
        Assert.Null(await Audio.GetChunkAsync(practice, session, 0, Ct));
        await Assert.ThrowsAsync<AudioUnavailableException>(() => Audio.ReadSamplesAsync(practice, session, 0, 1, Ct));
        Assert.Null(await Chunks.GetAsync(practice, session, 0, Ct));
        Assert.Null(await Chunks.GetAsync(practice, session, 2, Ct));

        // A ciphertext restored from a backup is useless: a new key for the session cannot open it.
        await Audio.PutChunkAsync(practice, session, 1, Samples(1_000, seed: 11), Ct);
        await Chunks.InsertAsync(practice, session, 0, sealedCopy, Ct);
        await Assert.ThrowsAsync<AudioUnavailableException>(() => Audio.GetChunkAsync(practice, session, 0, Ct));

        Assert.NotNull(await Audio.GetChunkAsync(practice, kept, 0, Ct));
    }

    [EngineFact]
    public async Task SessionKey_IsInTheKeyVaultAndNeverInTheMainDatabase_AndDeletedThereFirst()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        await Audio.PutChunkAsync(practice, session, 0, Samples(1_000, seed: 14), Ct);
        var scope = DocumentScope.Practice(practice);
        var vaultKeys = fixture.Get<KeyVault>().Store.Collection(Collections.SessionAudioKeys);
        var mainKeys = fixture.Get<IDocumentStore>().Collection(Collections.SessionAudioKeys);

        Assert.NotNull(await vaultKeys.GetAsync(scope, session.ToString(), Ct));
        Assert.Null(await mainKeys.GetAsync(scope, session.ToString(), Ct));
        Assert.NotNull(await Chunks.GetAsync(practice, session, 0, Ct));

        await Audio.DeleteAsync(practice, session, Ct);

        Assert.Null(await vaultKeys.GetAsync(scope, session.ToString(), Ct));
        Assert.Null(await Chunks.GetAsync(practice, session, 0, Ct));
    }

    [EngineFact]
    public async Task LegacyKeyInTheMainDatabase_IsMovedToTheVaultAtStart_Idempotently()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var samples = Samples(2_000, seed: 15);
        await Audio.PutChunkAsync(practice, session, 0, samples, Ct);
        var scope = DocumentScope.Practice(practice);
        var vaultKeys = fixture.Get<KeyVault>().Store.Collection(Collections.SessionAudioKeys);
        var mainKeys = fixture.Get<IDocumentStore>().Collection(Collections.SessionAudioKeys);

        // As an earlier version stored it: the key document in the main database only.
        var key = (await vaultKeys.GetAsync(scope, session.ToString(), Ct))!;
        await vaultKeys.DeleteAsync(scope, key.Id, key.Version, Ct);
        await mainKeys.InsertAsync(scope, key with { Version = 0 }, Ct);
        Assert.Null(await Audio.GetChunkAsync(practice, session, 0, Ct));

        await fixture.Get<IStorageEngine>().InitializeAsync(Ct);
        var moved = await vaultKeys.GetAsync(scope, session.ToString(), Ct);
        var again = await fixture.Get<LegacyAudioKeyMove>().RunAsync(Ct);

        Assert.Null(await mainKeys.GetAsync(scope, session.ToString(), Ct));
        Assert.NotNull(moved);
        Assert.Equal(key.WrappedKey, moved.WrappedKey);
        Assert.Equal(key.ChunkSamples, moved.ChunkSamples);
        Assert.Equal(0, again);
        Assert.Equal(samples, await Audio.GetChunkAsync(practice, session, 0, Ct));
    }

    [EngineFact]
    public async Task LegacyMove_TwoInstancesAtOnceOrAnInterruptedEarlierRun_LeaveOneKeyInTheVaultWithEveryChunkIndexed()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var first = Samples(1_000, seed: 16);
        var second = Samples(1_000, seed: 17);
        await Audio.PutChunkAsync(practice, session, 0, first, Ct);
        await Audio.PutChunkAsync(practice, session, 1, second, Ct);
        var scope = DocumentScope.Practice(practice);
        var vaultKeys = fixture.Get<KeyVault>().Store.Collection(Collections.SessionAudioKeys);
        var mainKeys = fixture.Get<IDocumentStore>().Collection(Collections.SessionAudioKeys);
        var key = (await vaultKeys.GetAsync(scope, session.ToString(), Ct))!;

        // An earlier run copied the key when one chunk was indexed and stopped before deleting the main copy, which then indexed another.
        await vaultKeys.ReplaceAsync(scope, key with { ChunkSamples = [key.ChunkSamples[0]] }, Ct);
        await mainKeys.InsertAsync(scope, key with { Version = 0 }, Ct);
        var move = fixture.Get<LegacyAudioKeyMove>();

        var runs = await Task.WhenAll(move.RunAsync(Ct), move.RunAsync(Ct));

        Assert.True(runs.Sum() <= 1, "the main copy is deleted once");
        await move.RunAsync(Ct);
        Assert.Null(await mainKeys.GetAsync(scope, session.ToString(), Ct));
        Assert.Equal(new AudioChunkStatus(2, 2, 1_000), await Audio.GetStatusAsync(practice, session, Ct));
        Assert.Equal(second, await Audio.GetChunkAsync(practice, session, 1, Ct));
    }

    [EngineFact]
    public async Task PracticeKeyDestroyed_MakesTheAudioUnreadable()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        await Audio.PutChunkAsync(practice, session, 0, Samples(1_000, seed: 12), Ct);

        await fixture.Get<IPracticeKeyService>().DestroyAsync(practice, Ct);

        await Assert.ThrowsAsync<PhiUnreadableException>(() => Audio.GetChunkAsync(practice, session, 0, Ct));
    }

    [EngineFact]
    public async Task EveryMethodFromAnotherPractice_SeesNoAudio()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = ClinicalSessionId.New();
        var samples = Samples(1_000, seed: 13);
        await Audio.PutChunkAsync(other, theirs, 0, samples, Ct);

        Assert.Equal(AudioChunkStatus.Empty, await Audio.GetStatusAsync(mine, theirs, Ct));
        Assert.Null(await Audio.GetChunkAsync(mine, theirs, 0, Ct));
        await Assert.ThrowsAsync<AudioUnavailableException>(() => Audio.ReadSamplesAsync(mine, theirs, 0, 10, Ct));
        await Audio.DeleteAsync(mine, theirs, Ct);

        Assert.Equal(samples, await Audio.GetChunkAsync(other, theirs, 0, Ct));
    }

    private static byte[] Samples(int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A new practice with its data key.</summary>
    protected async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", fixture.Time.GetUtcNow());
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        await fixture.Get<IPracticeKeyService>().CreateAsync(practice.Id, Ct);
        return practice.Id;
    }
}

public sealed class SqliteSessionAudioStoreContractTests(SqliteStorageFixture fixture)
    : SessionAudioStoreContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Sqlite_KeepsChunksAsBlobsNotAsDocuments()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();

        await Fixture.Get<ISessionAudioStore>().PutChunkAsync(practice, session, 0, new byte[3_200], Ct);

        Assert.Null(await Fixture.Get<IDocumentStore>().Collection(Collections.SessionAudioChunks)
            .GetAsync(DocumentScope.Practice(practice), SessionAudioChunk.IdOf(session, 0), Ct));
        await using var connection = await Fixture.Get<SqliteDatabase>().OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT typeof(sealed), length(sealed) FROM {SqliteSealedChunkStore.Table} WHERE session_id = $s AND sequence = 0";
        command.Parameters.AddWithValue("$s", session.ToString());
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal("blob", reader.GetString(0));
        Assert.Equal(3_200 + 28, reader.GetInt64(1));
    }

    [Fact]
    public async Task Sqlite_ChunksStoredAsDocumentsBeforeMigration41_AreStillRead_CountAsStored_AndAreDeleted()
    {
        var practice = await NewPracticeAsync();
        var session = ClinicalSessionId.New();
        var audio = Fixture.Get<ISessionAudioStore>();
        var samples = new byte[3_200];
        new Random(41).NextBytes(samples);
        await audio.PutChunkAsync(practice, session, 0, samples, Ct);

        // Move chunk 0 to where an older version kept it: a document of session_audio_chunks.
        var blobs = Fixture.Get<ISealedChunkStore>();
        var sealedChunk = (await blobs.GetAsync(practice, session, 0, Ct))!;
        await using (var connection = await Fixture.Get<SqliteDatabase>().OpenAsync(Ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"DELETE FROM {SqliteSealedChunkStore.Table} WHERE session_id = $s";
            command.Parameters.AddWithValue("$s", session.ToString());
            await command.ExecuteNonQueryAsync(Ct);
        }

        var documents = Fixture.Get<IDocumentStore>().Collection(Collections.SessionAudioChunks);
        var scope = DocumentScope.Practice(practice);
        await documents.InsertAsync(scope, new SessionAudioChunk(SessionAudioChunk.IdOf(session, 0), practice, session, 0, sealedChunk), Ct);

        Assert.Equal(samples, await audio.GetChunkAsync(practice, session, 0, Ct));
        await Assert.ThrowsAsync<DuplicateRecordException>(() => blobs.InsertAsync(practice, session, 0, sealedChunk, Ct));
        Assert.Equal(ChunkPutResult.Duplicate, (await audio.PutChunkAsync(practice, session, 0, samples, Ct)).Result);
        Assert.Equal(ChunkPutResult.Mismatch, (await audio.PutChunkAsync(practice, session, 0, new byte[3_200], Ct)).Result);

        await audio.DeleteAsync(practice, session, Ct);

        Assert.Null(await documents.GetAsync(scope, SessionAudioChunk.IdOf(session, 0), Ct));
        Assert.Null(await blobs.GetAsync(practice, session, 0, Ct));
    }

    [Fact]
    public async Task Sqlite_AChunkOfAPracticeThatDoesNotExist_IsNotFound()
    {
        await Assert.ThrowsAsync<RecordNotFoundException>(() =>
            Fixture.Get<ISealedChunkStore>().InsertAsync(PracticeId.New(), ClinicalSessionId.New(), 0, new byte[64], Ct));
    }
}

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoSessionAudioStoreContractTests(MongoStorageFixture fixture)
    : SessionAudioStoreContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
