using System.Buffers.Text;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using SQLitePCL;

namespace Plexura.Infrastructure.Auditing;

/// <summary>
/// One prepared SELECT of audit events (the columns of <see cref="Columns"/>, in order) on a connection, stepped and
/// decoded straight from SQLite's UTF-8 column bytes.
/// </summary>
/// <remarks>
/// Exports and verification read every event of a chain, so a row is decoded without a string per cell where none is
/// needed: ids and numbers are parsed from the bytes, the few values that repeat from row to row (emails, user agents,
/// target types, action and result names, detail keys) come from small bounded caches, and the details object is read
/// with <see cref="Utf8JsonReader"/>. The statement is reused across batches (bindings stay, <see cref="Reset"/> ends
/// its read transaction). Not thread-safe; dispose before the connection.
/// </remarks>
internal sealed class SqliteAuditRows : IDisposable
{
    /// <summary>The columns every audit SELECT must name, in this order.</summary>
    public const string Columns =
        "id, practice_id, sequence, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, action, " +
        "target_type, target_id, client_id, result, details, previous_hash, hash";

    private static readonly FrozenDictionary<string, AuditAction> Actions =
        Enum.GetValues<AuditAction>().ToFrozenDictionary(a => a.ToString(), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, AuditResult> Results =
        Enum.GetValues<AuditResult>().ToFrozenDictionary(r => r.ToString(), StringComparer.Ordinal);

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly PracticeId _practiceId;
    private readonly Utf8StringCache _names = new();
    private readonly Utf8StringCache _emails = new();
    private readonly Utf8StringCache _agents = new();

    /// <summary>Prepares <paramref name="sql"/> (which must select <see cref="Columns"/>) and binds <paramref name="parameters"/>.</summary>
    public SqliteAuditRows(SqliteConnection connection, string sql, PracticeId practiceId, IEnumerable<KeyValuePair<string, object>> parameters)
    {
        _connection = connection;
        _practiceId = practiceId;
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
        foreach (var (name, value) in parameters)
        {
            Bind(name, value);
        }
    }

    /// <summary>Binds a named parameter (a whole number or a string); a binding stays across <see cref="Reset"/>.</summary>
    public void Bind(string name, object value)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        if (index == 0)
        {
            throw new InvalidOperationException($"The statement has no parameter {name}.");
        }

        Check(value switch
        {
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            string text => raw.sqlite3_bind_text(_statement, index, text),
            _ => throw new ArgumentException("Only whole numbers and strings are bound.", nameof(value)),
        });
    }

    /// <summary>Moves to the next row; false at the end.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }

        return false;
    }

    /// <summary>Rewinds the statement (ending its read) so it can run again with the current bindings.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    /// <remarks>
    /// Every query filters on <c>practice_id = $p</c> (exact text match), so the row's practice is the one asked for
    /// and is not parsed again.
    /// </remarks>
    public AuditEvent Read() => new(
        ReadGuid(0),
        _practiceId,
        raw.sqlite3_column_int64(_statement, 2),
        DateTimeOffset.FromUnixTimeMilliseconds(raw.sqlite3_column_int64(_statement, 3)),
        IsNull(4) ? null : new UserId(ReadGuid(4)),
        ReadCached(5, _emails),
        ReadString(6),
        ReadCached(7, _agents),
        ParseEnum(Actions, ReadCached(8, _names)!),
        ReadCached(9, _names),
        ReadString(10),
        ReadString(11),
        ParseEnum(Results, ReadCached(12, _names)!),
        ReadDetails(raw.sqlite3_column_blob(_statement, 13)),
        ReadString(14)!,
        ReadString(15)!);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }

    private bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    private Guid ReadGuid(int column)
    {
        var utf8 = raw.sqlite3_column_blob(_statement, column);
        return Utf8Parser.TryParse(utf8, out Guid value, out var consumed, 'D') && consumed == utf8.Length
            ? value
            : Guid.Parse(Encoding.UTF8.GetString(utf8));
    }

    private string? ReadString(int column) =>
        IsNull(column) ? null : Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column));

    private string? ReadCached(int column, Utf8StringCache cache) =>
        IsNull(column) ? null : cache.Get(raw.sqlite3_column_blob(_statement, column));

    /// <summary>The details as stored by <see cref="JsonSerializer"/>: a flat object of strings.</summary>
    private Dictionary<string, string> ReadDetails(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The audit event's details are not a JSON object.");
        }

        var details = new Dictionary<string, string>(4);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.ValueIsEscaped ? reader.GetString()! : _names.Get(reader.ValueSpan);
            if (!reader.Read() || reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                throw new JsonException("An audit event's detail is not a string.");
            }

            details[key] = reader.GetString()!;
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("The audit event's details are not a flat JSON object.");
        }

        return details;
    }

    private static T ParseEnum<T>(FrozenDictionary<string, T> names, string value)
        where T : struct, Enum => names.TryGetValue(value, out var parsed) ? parsed : Enum.Parse<T>(value);

    /// <summary>
    /// Strings for UTF-8 values that repeat, without a new string per row: a direct-mapped table of a fixed number of
    /// short entries (a value that is long or keeps missing is simply decoded), so memory stays bounded.
    /// </summary>
    private sealed class Utf8StringCache
    {
        private const int Slots = 256;
        private const int MaxBytes = 256;

        private readonly byte[]?[] _keys = new byte[Slots][];
        private readonly string?[] _values = new string[Slots];

        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > MaxBytes)
            {
                return Encoding.UTF8.GetString(utf8);
            }

            var hash = new HashCode();
            hash.AddBytes(utf8);
            var slot = (int)((uint)hash.ToHashCode() % Slots);
            if (_keys[slot] is { } key && utf8.SequenceEqual(key))
            {
                return _values[slot]!;
            }

            var value = Encoding.UTF8.GetString(utf8);
            _keys[slot] = utf8.ToArray();
            _values[slot] = value;
            return value;
        }
    }
}
