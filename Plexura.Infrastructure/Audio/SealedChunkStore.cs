using Microsoft.Data.Sqlite;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Infrastructure.Persistence.Sqlite;

namespace Plexura.Infrastructure.Audio;

/// <summary>Where the sealed chunks of session audio are kept: one immutable value per practice, session and sequence.</summary>
/// <remarks>
/// The bytes are ciphertexts (<see cref="EncryptedSessionAudioStore"/> seals them), about 160 KB for a 5-second chunk.
/// MongoDB keeps them as <see cref="SessionAudioChunk"/> documents; SQLite keeps them as BLOBs in their own table
/// (<see cref="SqliteSealedChunkStore"/>), since a document there is JSON text in which the bytes would be Base64.
/// Every method takes the practice first; another practice's chunk is not there.
/// </remarks>
internal interface ISealedChunkStore
{
    /// <summary>Stores the chunk durably.</summary>
    /// <exception cref="DuplicateRecordException">A chunk is already stored under this sequence (nothing changed).</exception>
    /// <exception cref="RecordNotFoundException">The practice does not exist.</exception>
    Task InsertAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, byte[] sealedChunk, CancellationToken ct);

    /// <summary>The sealed chunk, or null when none is stored.</summary>
    Task<byte[]?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct);

    /// <summary>Deletes the chunk; nothing happens when none is stored.</summary>
    Task DeleteAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct);
}

/// <summary>Sealed chunks as <see cref="SessionAudioChunk"/> documents of <see cref="Collections.SessionAudioChunks"/> (MongoDB).</summary>
internal sealed class DocumentSealedChunkStore(IDocumentStore store) : ISealedChunkStore
{
    private readonly IDocumentCollection<SessionAudioChunk> _chunks = store.Collection(Collections.SessionAudioChunks);

    public Task InsertAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, byte[] sealedChunk, CancellationToken ct) =>
        _chunks.InsertAsync(
            DocumentScope.Practice(practiceId), new SessionAudioChunk(SessionAudioChunk.IdOf(sessionId, sequence), practiceId, sessionId, sequence, sealedChunk), ct);

    public async Task<byte[]?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct) =>
        (await _chunks.GetAsync(DocumentScope.Practice(practiceId), SessionAudioChunk.IdOf(sessionId, sequence), ct))?.Sealed;

    public async Task DeleteAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct)
    {
        try
        {
            await _chunks.DeleteAsync(DocumentScope.Practice(practiceId), SessionAudioChunk.IdOf(sessionId, sequence), 0, ct);
        }
        catch (RecordNotFoundException)
        {
            // Already gone.
        }
    }
}

/// <summary>Sealed chunks as BLOBs in <see cref="Table"/> (SQLite), with chunks stored before it existed still read from their documents.</summary>
/// <remarks>
/// <para>A chunk as a JSON document cost, per 160 KB chunk, a Base64 string of 213 K characters, its UTF-8 copy for
/// SQLite, a <c>json_valid</c> parse of the whole text on insert and a third more bytes written; on every read the
/// reverse. As a BLOB the sealed bytes are bound and read as they are.</para>
/// <para>Chunks stored as documents before migration 41 stay where they are: a read falls back to them, an insert
/// under the sequence of one is a duplicate (so a chunk is still stored once), and a delete removes both.</para>
/// </remarks>
internal sealed class SqliteSealedChunkStore(SqliteDatabase database) : ISealedChunkStore
{
    /// <summary>The table (migration 41): practice, session, sequence (the primary key) and the sealed bytes.</summary>
    public const string Table = "session_audio_chunk_data";

    private const int SqliteConstraint = 19;
    private const int ForeignKeyConstraint = 787;

    private static readonly string Legacy = SqliteNames.Table(Collections.SessionAudioChunks);

    /// <summary>The migration step that creates <see cref="Table"/>.</summary>
    public static readonly string CreateTableSql = $"""
        CREATE TABLE {Table} (
            practice_id TEXT    NOT NULL REFERENCES {SqliteNames.Table(Collections.Practices)}(id),
            session_id  TEXT    NOT NULL,
            sequence    INTEGER NOT NULL,
            sealed      BLOB    NOT NULL,
            PRIMARY KEY (practice_id, session_id, sequence)
        ) STRICT;
        """;

    public async Task InsertAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, byte[] sealedChunk, CancellationToken ct)
    {
        await using var write = await database.OpenForWriteAsync(ct);
        var connection = write.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {Table} (practice_id, session_id, sequence, sealed)
            SELECT $p, $s, $q, $b WHERE NOT EXISTS (SELECT 1 FROM {Legacy} WHERE id = $legacy AND practice_id = $p)
            """;
        AddKey(command, practiceId, sessionId, sequence);
        command.Parameters.AddWithValue("$legacy", SessionAudioChunk.IdOf(sessionId, sequence));
        command.Parameters.Add("$b", SqliteType.Blob).Value = sealedChunk;
        int inserted;
        try
        {
            inserted = await command.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == ForeignKeyConstraint)
        {
            throw new RecordNotFoundException("practice");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new DuplicateRecordException(SessionAudioChunk.RecordType, "id");
        }

        if (inserted == 0)
        {
            throw new DuplicateRecordException(SessionAudioChunk.RecordType, "id");
        }
    }

    public async Task<byte[]?> GetAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT sealed FROM {Table} WHERE practice_id = $p AND session_id = $s AND sequence = $q";
            AddKey(command, practiceId, sessionId, sequence);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                return reader.GetFieldValue<byte[]>(0);
            }
        }

        // Stored before migration 41: a document whose sealed bytes are Base64 in its JSON.
        await using var legacy = connection.CreateCommand();
        legacy.CommandText = $"SELECT doc FROM {Legacy} WHERE id = $id AND practice_id = $p";
        legacy.Parameters.AddWithValue("$id", SessionAudioChunk.IdOf(sessionId, sequence));
        legacy.Parameters.AddWithValue("$p", practiceId.ToString());
        return await legacy.ExecuteScalarAsync(ct) is string doc ? DocumentJson.Deserialize<SessionAudioChunk>(doc).Sealed : null;
    }

    public async Task DeleteAsync(PracticeId practiceId, ClinicalSessionId sessionId, int sequence, CancellationToken ct)
    {
        await using var write = await database.OpenForWriteAsync(ct);
        var connection = write.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            DELETE FROM {Table} WHERE practice_id = $p AND session_id = $s AND sequence = $q;
            DELETE FROM {Legacy} WHERE id = $legacy AND practice_id = $p;
            """;
        AddKey(command, practiceId, sessionId, sequence);
        command.Parameters.AddWithValue("$legacy", SessionAudioChunk.IdOf(sessionId, sequence));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddKey(SqliteCommand command, PracticeId practiceId, ClinicalSessionId sessionId, int sequence)
    {
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        command.Parameters.AddWithValue("$s", sessionId.ToString());
        command.Parameters.AddWithValue("$q", sequence);
    }
}
