using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Sqlite;

/// <summary>A collection stored as a table of JSON documents with id, practice and version columns.</summary>
/// <remarks>
/// Array indexes live in side tables (<see cref="SqliteNames.ArrayTable{T}"/>); a write that has any runs in one
/// transaction with its side rows, so the document and its index never disagree, even after a crash.
/// </remarks>
internal sealed class SqliteDocumentCollection<T>(SqliteDatabase database, CollectionDefinition<T> def) : IDocumentCollection<T>
    where T : class
{
    private const int SqliteConstraint = 19;

    private readonly string _table = SqliteNames.Table(def);
    private readonly IReadOnlyList<IndexDefinition> _arrayIndexes = [.. def.Indexes.Where(i => i.IsArray)];

    public async Task InsertAsync(DocumentScope scope, T document, CancellationToken ct)
    {
        DocumentGuard.EnsureInScope(def, scope, document);
        await using var write = await database.OpenForWriteAsync(ct);
        var connection = write.Connection;
        await using var transaction = _arrayIndexes.Count > 0 ? connection.BeginTransaction() : null;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var json = DocumentJson.Serialize(document);
        command.CommandText = $"INSERT INTO {_table} (id, practice_id, version, doc) VALUES ($id, $p, $v, $doc)";
        command.Parameters.AddWithValue("$id", def.GetId(document));
        command.Parameters.AddWithValue("$p", (object?)DocumentGuard.ScopeValue(def, scope) ?? DBNull.Value);
        command.Parameters.AddWithValue("$v", def.GetVersion(document));
        command.Parameters.AddWithValue("$doc", json);
        try
        {
            await command.ExecuteNonQueryAsync(ct);
            if (transaction is not null)
            {
                await WriteArrayValuesAsync(connection, transaction, scope, def.GetId(document), json, replace: false, ct);
                await transaction.CommitAsync(ct);
            }
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
        var json = DocumentJson.Serialize(updated);
        await using var write = await database.OpenForWriteAsync(ct);
        var connection = write.Connection;
        await using (var transaction = _arrayIndexes.Count > 0 ? connection.BeginTransaction() : null)
        {
            if (await TryReplaceAsync(connection, transaction, scope, id, expected, json, ct))
            {
                return updated;
            }
        }

        throw await MissOrConflictAsync(connection, scope, id, ct);
    }

    public async Task<IReadOnlyList<T>> FindPageAsync(DocumentScope scope, DocumentPageQuery query, CancellationToken ct)
    {
        var values = DocumentGuard.CheckPage(def, query);
        if (query.ArrayField is not null && values.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT doc, version FROM {_table} WHERE {ScopeFilter(scope)}");
        AddScope(command, scope);
        if (query.ArrayField is { } field)
        {
            // The side table's primary key leads with (practice_id, value): each value is one index range; a document
            // holding every value appears once per value, so the count equals the number of distinct values.
            var side = SqliteNames.ArrayTable(def, def.Indexes.First(i => i.Field == field && i.IsArray));
            var names = values.Select((_, i) => $"$a{i}").ToList();
            sql.Append(CultureInfo.InvariantCulture, $" AND id IN (SELECT doc_id FROM {side} WHERE practice_id = $practice AND value IN ({string.Join(", ", names)}) GROUP BY doc_id HAVING COUNT(*) = {values.Count})");
            for (var i = 0; i < values.Count; i++)
            {
                command.Parameters.AddWithValue(names[i], values[i]);
            }
        }

        if (query.NullField is { } nullField)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {SqliteNames.FieldExpression(nullField)} IS NULL");
        }

        if (query.AfterId is { } after)
        {
            sql.Append(" AND id > $after");
            command.Parameters.AddWithValue("$after", after);
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY id LIMIT {query.Limit}");
        command.CommandText = sql.ToString();
        var results = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            results.Add(Read(reader));
        }

        return results;
    }

    private async Task<bool> TryReplaceAsync(
        SqliteConnection connection, SqliteTransaction? transaction, DocumentScope scope, string id, long expected, string json, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {_table} SET doc = $doc, version = $next WHERE id = $id AND version = $expected AND {ScopeFilter(scope)}";
        command.Parameters.AddWithValue("$doc", json);
        command.Parameters.AddWithValue("$next", expected + 1);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$expected", expected);
        AddScope(command, scope);
        try
        {
            if (await command.ExecuteNonQueryAsync(ct) != 1)
            {
                return false; // disposing the transaction rolls it back
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            throw DocumentGuard.Duplicate(def, ex.Message);
        }

        if (transaction is not null)
        {
            await WriteArrayValuesAsync(connection, transaction, scope, id, json, replace: true, ct);
            await transaction.CommitAsync(ct);
        }

        return true;
    }

    /// <summary>Writes the side rows of every array index for one document (replacing its old rows when asked).</summary>
    private async Task WriteArrayValuesAsync(
        SqliteConnection connection, SqliteTransaction transaction, DocumentScope scope, string id, string json, bool replace, CancellationToken ct)
    {
        using var parsed = JsonDocument.Parse(json);
        foreach (var index in _arrayIndexes)
        {
            var side = SqliteNames.ArrayTable(def, index);
            if (replace)
            {
                await using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = $"DELETE FROM {side} WHERE doc_id = $id AND practice_id = $practice";
                delete.Parameters.AddWithValue("$id", id);
                AddScope(delete, scope);
                await delete.ExecuteNonQueryAsync(ct);
            }

            if (!parsed.RootElement.TryGetProperty(index.Field, out var array) || array.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT OR IGNORE INTO {side} (practice_id, value, doc_id) VALUES ($practice, $value, $id)";
            AddScope(insert, scope);
            insert.Parameters.AddWithValue("$id", id);
            var value = insert.Parameters.Add("$value", SqliteType.Text);
            foreach (var element in array.EnumerateArray())
            {
                value.Value = element.GetString() ?? throw new InvalidOperationException($"{def.Name}.{index.Field} holds a null.");
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
    }

    public async Task DeleteAsync(DocumentScope scope, string id, long expectedVersion, CancellationToken ct)
    {
        await using var write = await database.OpenForWriteAsync(ct);
        var connection = write.Connection;
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
