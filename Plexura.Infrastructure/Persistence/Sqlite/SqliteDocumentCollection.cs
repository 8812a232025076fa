using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>A collection stored as a table of JSON documents with id, practice and version columns.</summary>
internal sealed class SqliteDocumentCollection<T>(SqliteDatabase database, CollectionDefinition<T> def) : IDocumentCollection<T>
    where T : class
{
    private const int SqliteConstraint = 19;

    private readonly string _table = SqliteNames.Table(def);

    public async Task InsertAsync(DocumentScope scope, T document, CancellationToken ct)
    {
        DocumentGuard.EnsureInScope(def, scope, document);
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {_table} (id, practice_id, version, doc) VALUES ($id, $p, $v, $doc)";
        command.Parameters.AddWithValue("$id", def.GetId(document));
        command.Parameters.AddWithValue("$p", (object?)DocumentGuard.ScopeValue(def, scope) ?? DBNull.Value);
        command.Parameters.AddWithValue("$v", def.GetVersion(document));
        command.Parameters.AddWithValue("$doc", DocumentJson.Serialize(document));
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.Message.Contains("UNIQUE", StringComparison.Ordinal)
                                         || ex.SqliteExtendedErrorCode == 1555)
        {
            throw DocumentGuard.Duplicate(def, ex.Message);
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 787)
        {
            // FOREIGN KEY: the practice does not exist; to the caller that is the same as another practice's.
            throw new RecordNotFoundException("practice");
        }
    }

    public async Task<T?> GetAsync(DocumentScope scope, string id, CancellationToken ct)
    {
        var found = await QueryAsync(scope, "id = $value", id, limit: 1, ct);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<T?> FindOneAsync(DocumentScope scope, string field, string value, CancellationToken ct)
    {
        DocumentGuard.EnsureIndexed(def, field);
        var found = await QueryAsync(scope, $"{SqliteNames.FieldExpression(field)} = $value", value, limit: 1, ct);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<T>> FindManyAsync(DocumentScope scope, string? field, string? value, CancellationToken ct)
    {
        if (field is null)
        {
            return QueryAsync(scope, null, null, limit: null, ct);
        }

        DocumentGuard.EnsureIndexed(def, field);
        return QueryAsync(scope, $"{SqliteNames.FieldExpression(field)} = $value", value, limit: null, ct);
    }

    public async Task<IReadOnlyList<T>> FindAcrossPracticesAsync(string field, string value, CancellationToken ct)
    {
        DocumentGuard.EnsureCrossPracticeIndexed(def, field);
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT doc, version FROM {_table} WHERE {SqliteNames.FieldExpression(field)} = $value ORDER BY id";
        command.Parameters.AddWithValue("$value", value);
        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            results.Add(Read(reader));
        }

        return results;
    }

    public async IAsyncEnumerable<T> ScanAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT doc, version FROM {_table} ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return Read(reader);
        }
    }

    public async Task<T> ReplaceAsync(DocumentScope scope, T document, CancellationToken ct)
    {
        DocumentGuard.EnsureInScope(def, scope, document);
        var expected = def.GetVersion(document);
        var updated = def.WithVersion(document, expected + 1);
        var id = def.GetId(document);
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {_table} SET doc = $doc, version = $next WHERE id = $id AND version = $expected AND {ScopeFilter(scope)}";
        command.Parameters.AddWithValue("$doc", DocumentJson.Serialize(updated));
        command.Parameters.AddWithValue("$next", expected + 1);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$expected", expected);
        AddScope(command, scope);
        try
        {
            if (await command.ExecuteNonQueryAsync(ct) == 1)
            {
                return updated;
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            throw DocumentGuard.Duplicate(def, ex.Message);
        }

        throw await MissOrConflictAsync(connection, scope, id, ct);
    }

    public async Task DeleteAsync(DocumentScope scope, string id, long expectedVersion, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE id = $id AND version = $expected AND {ScopeFilter(scope)}";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$expected", expectedVersion);
        AddScope(command, scope);
        if (await command.ExecuteNonQueryAsync(ct) != 1)
        {
            throw await MissOrConflictAsync(connection, scope, id, ct);
        }
    }

    private async Task<Exception> MissOrConflictAsync(SqliteConnection connection, DocumentScope scope, string id, CancellationToken ct)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = $"SELECT 1 FROM {_table} WHERE id = $id AND {ScopeFilter(scope)}";
        exists.Parameters.AddWithValue("$id", id);
        AddScope(exists, scope);
        return await exists.ExecuteScalarAsync(ct) is null
            ? new RecordNotFoundException(def.RecordType)
            : new ConcurrencyConflictException(def.RecordType);
    }

    private async Task<IReadOnlyList<T>> QueryAsync(DocumentScope scope, string? where, string? value, int? limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var condition = where is null ? string.Empty : $" AND {where}";
        var take = limit is { } n ? $" LIMIT {n}" : string.Empty;
        command.CommandText = $"SELECT doc, version FROM {_table} WHERE {ScopeFilter(scope)}{condition} ORDER BY id{take}";
        AddScope(command, scope);
        if (where is not null)
        {
            command.Parameters.AddWithValue("$value", value ?? (object)DBNull.Value);
        }

        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            results.Add(Read(reader));
        }

        return results;
    }

    private T Read(SqliteDataReader reader) => def.WithVersion(DocumentJson.Deserialize<T>(reader.GetString(0)), reader.GetInt64(1));

    /// <remarks>Every statement filters on the practice column; a global collection matches only global rows.</remarks>
    private string ScopeFilter(DocumentScope scope) =>
        DocumentGuard.ScopeValue(def, scope) is null ? "practice_id IS NULL" : "practice_id = $practice";

    private void AddScope(SqliteCommand command, DocumentScope scope)
    {
        if (DocumentGuard.ScopeValue(def, scope) is { } practice)
        {
            command.Parameters.AddWithValue("$practice", practice);
        }
    }
}
