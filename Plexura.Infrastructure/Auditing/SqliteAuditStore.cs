using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Sqlite;

namespace Plexura.Infrastructure.Auditing;

/// <summary>The audit log in the embedded database: one table, made append-only by triggers.</summary>
/// <remarks>
/// Appends are serialized through one writer connection (SQLite has a single writer anyway), and each append reads
/// the head and inserts inside one IMMEDIATE transaction, so even a second process cannot fork the chain: the
/// primary key (practice, sequence) would refuse it.
/// </remarks>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore, IAsyncDisposable
{
    private const string Columns =
        "id, practice_id, sequence, timestamp_ms, actor_user_id, actor_email, source_ip, user_agent, action, " +
        "target_type, target_id, client_id, result, details, previous_hash, hash";

    private readonly SemaphoreSlim _writer = new(1, 1);
    private SqliteConnection? _connection;

    public async Task<AuditEvent> AppendAsync(PracticeId practiceId, Func<AuditChainHead, AuditEvent> buildNext, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buildNext);
        await _writer.WaitAsync(ct);
        try
        {
            _connection ??= await database.OpenAsync(ct);
            await using var transaction = _connection.BeginTransaction(deferred: false);
            var head = await ReadHeadAsync(_connection, transaction, practiceId, ct);
            var next = buildNext(head);
            if (next.PracticeId != practiceId || next.Sequence != head.Sequence + 1)
            {
                throw new InvalidOperationException("An audit event must extend its own practice's chain by one.");
            }

            await InsertAsync(_connection, transaction, next, ct);
            await transaction.CommitAsync(ct);
            return next;
        }
        catch (SqliteException)
        {
            // A broken connection must not poison every later append.
            await DisposeConnectionAsync();
            throw;
        }
        finally
        {
            _writer.Release();
        }
    }

    public async IAsyncEnumerable<AuditEvent> ReadChainAsync(PracticeId practiceId, long fromSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_events WHERE practice_id = $p AND sequence >= $from ORDER BY sequence";
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        command.Parameters.AddWithValue("$from", fromSequence);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return Read(reader);
        }
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "practice_id = $p" };
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        if (query.From is { } from)
        {
            where.Add("timestamp_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("timestamp_ms < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        if (query.Action is { } action)
        {
            where.Add("action = $action");
            command.Parameters.AddWithValue("$action", action.ToString());
        }

        if (query.ActorUserId is { } actor)
        {
            where.Add("actor_user_id = $actor");
            command.Parameters.AddWithValue("$actor", actor.ToString());
        }

        if (query.ClientId is { } client)
        {
            where.Add("client_id = $client");
            command.Parameters.AddWithValue("$client", client);
        }

        if (query.Result is { } result)
        {
            where.Add("result = $result");
            command.Parameters.AddWithValue("$result", result.ToString());
        }

        command.CommandText = $"SELECT {Columns} FROM audit_events WHERE {string.Join(" AND ", where)} ORDER BY sequence DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 10_000));
        var events = new List<AuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(Read(reader));
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeConnectionAsync();
        _writer.Dispose();
    }

    private async Task DisposeConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    private static async Task<AuditChainHead> ReadHeadAsync(SqliteConnection c, SqliteTransaction t, PracticeId practiceId, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = "SELECT sequence, hash FROM audit_events WHERE practice_id = $p ORDER BY sequence DESC LIMIT 1";
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1))
            : AuditChainHead.Genesis;
    }

    private static async Task InsertAsync(SqliteConnection c, SqliteTransaction t, AuditEvent e, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = $"INSERT INTO audit_events ({Columns}) VALUES ($id, $p, $seq, $ts, $uid, $email, $ip, $ua, $action, $tt, $tid, $cid, $result, $details, $prev, $hash)";
        var p = command.Parameters;
        p.AddWithValue("$id", e.Id.ToString("D"));
        p.AddWithValue("$p", e.PracticeId.ToString());
        p.AddWithValue("$seq", e.Sequence);
        p.AddWithValue("$ts", e.Timestamp.ToUnixTimeMilliseconds());
        p.AddWithValue("$uid", (object?)e.ActorUserId?.ToString() ?? DBNull.Value);
        p.AddWithValue("$email", (object?)e.ActorEmail ?? DBNull.Value);
        p.AddWithValue("$ip", (object?)e.SourceIp ?? DBNull.Value);
        p.AddWithValue("$ua", (object?)e.UserAgent ?? DBNull.Value);
        p.AddWithValue("$action", e.Action.ToString());
        p.AddWithValue("$tt", (object?)e.TargetType ?? DBNull.Value);
        p.AddWithValue("$tid", (object?)e.TargetId ?? DBNull.Value);
        p.AddWithValue("$cid", (object?)e.ClientId ?? DBNull.Value);
        p.AddWithValue("$result", e.Result.ToString());
        p.AddWithValue("$details", JsonSerializer.Serialize(e.Details));
        p.AddWithValue("$prev", e.PreviousHash);
        p.AddWithValue("$hash", e.Hash);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static AuditEvent Read(SqliteDataReader r) => new(
        Guid.Parse(r.GetString(0)),
        PracticeId.Parse(r.GetString(1)),
        r.GetInt64(2),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        r.IsDBNull(4) ? null : UserId.Parse(r.GetString(4)),
        NullableString(r, 5),
        NullableString(r, 6),
        NullableString(r, 7),
        Enum.Parse<AuditAction>(r.GetString(8)),
        NullableString(r, 9),
        NullableString(r, 10),
        NullableString(r, 11),
        Enum.Parse<AuditResult>(r.GetString(12)),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(13)) ?? [],
        r.GetString(14),
        r.GetString(15));

    private static string? NullableString(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
