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
/// the head and inserts inside an IMMEDIATE transaction, so even a second process cannot fork the chain: the
/// primary key (practice, sequence) would refuse it.
/// <para>
/// Group commit: appends that arrive while the writer is busy queue up, and the next writer commits all of them in
/// one transaction. Each still reads its head (which sees the events inserted before it in the same transaction),
/// builds and inserts its own event inside its own savepoint, so one failing append is rolled back alone and fails
/// only its own caller. Callers learn their event only after the commit succeeded.
/// </para>
/// </remarks>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore, IAsyncDisposable
{
    private const string Columns = SqliteAuditRows.Columns;

    // Events per read of StreamAsync: each batch is one short read, so no read transaction stays open across a slow consumer.
    private const int StreamBatch = 2_000;

    // How often a long read checks its cancellation token.
    private const int CancellationCheckRows = 4_096;

    // Bounds one transaction (and so the latency of the appends at the front of a long queue).
    private const int MaxBatch = 256;

    private const string Savepoint = "audit_append";

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _queueLock = new();
    private readonly Queue<PendingAppend> _queue = new();
    private WriterConnection? _connection;

    public async Task<AuditEvent> AppendAsync(PracticeId practiceId, Func<AuditChainHead, AuditEvent> buildNext, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buildNext);
        ct.ThrowIfCancellationRequested();
        var request = new PendingAppend(practiceId, buildNext, ct);
        lock (_queueLock)
        {
            _queue.Enqueue(request);
        }

        // No token here: once queued, the request is settled by whichever writer takes it (a cancelled one is
        // skipped there), so a caller never sees a cancellation for an event that was in fact appended.
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            // An earlier writer may have committed this request with its own batch already.
            while (!request.Completion.Task.IsCompleted)
            {
                await WriteBatchAsync(TakeBatch());
            }
        }
        finally
        {
            _writer.Release();
        }

        return await request.Completion.Task;
    }

    public async IAsyncEnumerable<AuditEvent> ReadChainAsync(PracticeId practiceId, long fromSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        using var rows = new SqliteAuditRows(
            connection,
            $"SELECT {Columns} FROM audit_events WHERE practice_id = $p AND sequence >= $from ORDER BY sequence",
            practiceId,
            [new("$p", practiceId.ToString()), new("$from", fromSequence)]);
        var sinceCheck = 0;
        while (rows.Step())
        {
            yield return rows.Read();
            if (++sinceCheck == CancellationCheckRows)
            {
                ct.ThrowIfCancellationRequested();
                sinceCheck = 0;
            }
        }
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(PracticeId practiceId, AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(ct);
        var parameters = new List<KeyValuePair<string, object>>();
        var where = Filter(parameters, practiceId, query);
        var index = NewestFirstIndex(query) ?? await TimeRangeIndexAsync(connection, practiceId, query, ct);
        var indexedBy = index is null ? string.Empty : $" INDEXED BY {index}";
        parameters.Add(new("$limit", Math.Clamp(query.Limit, 1, 10_000)));
        using var rows = new SqliteAuditRows(
            connection, $"SELECT {Columns} FROM audit_events{indexedBy} WHERE {where} ORDER BY sequence DESC LIMIT $limit", practiceId, parameters);
        var events = new List<AuditEvent>();
        while (rows.Step())
        {
            events.Add(rows.Read());
        }

        return events;
    }

    /// <remarks>
    /// One connection and one prepared statement for the whole stream, run once per batch of <see cref="StreamBatch"/>
    /// events (keyset on the sequence): each batch is read in one go and its read ended before the events are handed
    /// out, so no read transaction stays open across a slow consumer, and memory is one batch whatever the count.
    /// </remarks>
    public async IAsyncEnumerable<AuditEvent> StreamAsync(PracticeId practiceId, AuditQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<KeyValuePair<string, object>>();
        var where = Filter(parameters, practiceId, query with { AfterSequence = query.AfterSequence ?? 0 });
        await using var connection = await database.OpenAsync(ct);
        using var rows = new SqliteAuditRows(
            connection, $"SELECT {Columns} FROM audit_events WHERE {where} ORDER BY sequence LIMIT {StreamBatch}", practiceId, parameters);
        var batch = new List<AuditEvent>(StreamBatch);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            batch.Clear();
            try
            {
                while (rows.Step())
                {
                    batch.Add(rows.Read());
                }
            }
            finally
            {
                rows.Reset();
            }

            foreach (var item in batch)
            {
                yield return item;
            }

            if (batch.Count < StreamBatch)
            {
                yield break;
            }

            rows.Bind("$after", batch[^1].Sequence);
        }
    }

    /// <summary>The index that serves "newest first" for the most selective equality filter set, or null for none.</summary>
    /// <remarks>
    /// Each of these indexes is (practice_id, column, sequence) (the actor and client ones through the primary key every
    /// index of a WITHOUT ROWID table carries), so the newest page with a value is one backward walk of one range that
    /// stops after a page. Named explicitly because, without statistics, SQLite prefers walking the primary key
    /// backwards to avoid a sort, and so reads the whole chain when the value is rare or absent. Several actions are
    /// several ranges and a sort of the matches only. Other filters set are checked on the rows the index yields.
    /// </remarks>
    internal static string? NewestFirstIndex(AuditQuery query)
    {
        var actions = AuditQueryActions.Of(query);
        return query switch
        {
            { TargetId: not null } => "ix_audit_events_target_id",
            { ClientId: not null } => "ix_audit_events_client",
            { ActorUserId: not null } => "ix_audit_events_actor",
            { SourceIp: not null } => "ix_audit_events_source_ip",
            _ when actions is { Count: > 0 } => "ix_audit_events_action",
            { TargetType: not null } => "ix_audit_events_target_type",
            { Result: not null } => "ix_audit_events_result",
            _ => null,
        };
    }

    /// <summary>For a time range alone: the time index when the range is old and narrow, else null (the primary key backwards).</summary>
    /// <remarks>
    /// Walking the chain backwards skips every event newer than the range; the time index reads the whole range and
    /// sorts it. Two probes of the time index give the sequence numbers at the range's ends (an estimate: a concurrent
    /// append can take its time a moment before a neighbour's sequence), which is enough to pick the cheaper walk.
    /// </remarks>
    private static async Task<string?> TimeRangeIndexAsync(SqliteConnection connection, PracticeId practiceId, AuditQuery query, CancellationToken ct)
    {
        if (query.From is null && query.To is null)
        {
            return null;
        }

        await using var probe = connection.CreateCommand();
        probe.CommandText = """
            SELECT
              (SELECT sequence FROM audit_events WHERE practice_id = $p ORDER BY sequence DESC LIMIT 1),
              (SELECT sequence FROM audit_events INDEXED BY ix_audit_events_time WHERE practice_id = $p AND timestamp_ms < $to ORDER BY timestamp_ms DESC LIMIT 1),
              (SELECT sequence FROM audit_events INDEXED BY ix_audit_events_time WHERE practice_id = $p AND timestamp_ms >= $from ORDER BY timestamp_ms LIMIT 1)
            """;
        probe.Parameters.AddWithValue("$p", practiceId.ToString());
        probe.Parameters.AddWithValue("$to", query.To?.ToUnixTimeMilliseconds() ?? long.MaxValue);
        probe.Parameters.AddWithValue("$from", query.From?.ToUnixTimeMilliseconds() ?? long.MinValue);
        await using var reader = await probe.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || reader.IsDBNull(0) || reader.IsDBNull(1) || reader.IsDBNull(2))
        {
            return null;
        }

        var head = reader.GetInt64(0);
        var last = reader.GetInt64(1);
        var first = reader.GetInt64(2);
        var skippedByBackwardWalk = head - last;
        var rangeSize = Math.Max(0, last - first);
        return skippedByBackwardWalk > rangeSize ? "ix_audit_events_time" : null;
    }

    /// <summary>The WHERE clause of <paramref name="query"/> over one practice, its values added to <paramref name="parameters"/>.</summary>
    private static string Filter(List<KeyValuePair<string, object>> parameters, PracticeId practiceId, AuditQuery query)
    {
        var where = new List<string> { "practice_id = $p" };
        parameters.Add(new("$p", practiceId.ToString()));
        if (query.From is { } from)
        {
            where.Add("timestamp_ms >= $from");
            parameters.Add(new("$from", from.ToUnixTimeMilliseconds()));
        }

        if (query.To is { } to)
        {
            where.Add("timestamp_ms < $to");
            parameters.Add(new("$to", to.ToUnixTimeMilliseconds()));
        }

        var actions = AuditQueryActions.Of(query);
        if (actions is not null)
        {
            var names = new List<string>(actions.Count);
            for (var i = 0; i < actions.Count; i++)
            {
                names.Add($"$action{i}");
                parameters.Add(new($"$action{i}", actions[i].ToString()));
            }

            where.Add(names.Count == 0 ? "0" : $"action IN ({string.Join(", ", names)})");
        }

        AddEquals(parameters, where, "actor_user_id", "$actor", query.ActorUserId?.ToString());
        AddEquals(parameters, where, "client_id", "$client", query.ClientId);
        AddEquals(parameters, where, "result", "$result", query.Result?.ToString());
        AddEquals(parameters, where, "target_type", "$ttype", query.TargetType);
        AddEquals(parameters, where, "target_id", "$tid", query.TargetId);
        AddEquals(parameters, where, "source_ip", "$ip", query.SourceIp);
        if (query.BeforeSequence is { } before)
        {
            where.Add("sequence < $before");
            parameters.Add(new("$before", before));
        }

        if (query.AfterSequence is { } after)
        {
            where.Add("sequence > $after");
            parameters.Add(new("$after", after));
        }

        return string.Join(" AND ", where);
    }

    private static void AddEquals(List<KeyValuePair<string, object>> parameters, List<string> where, string column, string parameter, string? value)
    {
        if (value is not null)
        {
            where.Add($"{column} = {parameter}");
            parameters.Add(new(parameter, value));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeConnectionAsync();
        _writer.Dispose();
    }

    private List<PendingAppend> TakeBatch()
    {
        lock (_queueLock)
        {
            var batch = new List<PendingAppend>(Math.Min(_queue.Count, MaxBatch));
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var request))
            {
                batch.Add(request);
            }

            return batch;
        }
    }

    /// <summary>Appends a batch in one IMMEDIATE transaction, one savepoint per event; settles every request.</summary>
    private async Task WriteBatchAsync(List<PendingAppend> batch)
    {
        // The batch's requests belong to several callers, so no single caller's token may abort the shared work.
        var ct = CancellationToken.None;
        var appended = new List<(PendingAppend Request, AuditEvent Event)>(batch.Count);
        var settled = 0;
        try
        {
            _connection ??= await WriterConnection.OpenAsync(database, ct);
            await using var transaction = _connection.Connection.BeginTransaction(deferred: false);
            _connection.Enlist(transaction);
            for (; settled < batch.Count; settled++)
            {
                var request = batch[settled];
                if (request.Ct.IsCancellationRequested)
                {
                    request.Completion.TrySetCanceled(request.Ct);
                    continue;
                }

                transaction.Save(Savepoint);
                try
                {
                    var head = await _connection.ReadHeadAsync(request.PracticeId, ct);
                    var next = request.BuildNext(head);
                    if (next.PracticeId != request.PracticeId || next.Sequence != head.Sequence + 1)
                    {
                        throw new InvalidOperationException("An audit event must extend its own practice's chain by one.");
                    }

                    await _connection.InsertAsync(next, ct);
                    transaction.Release(Savepoint);
                    appended.Add((request, next));
                }
                catch (Exception ex)
                {
                    // Undo this event only; the transaction and the events before it stay. If even the rollback
                    // fails, the transaction is lost: the outer handler fails this and every unsettled request.
                    transaction.Rollback(Savepoint);
                    transaction.Release(Savepoint);
                    request.Completion.TrySetException(ex);
                }
            }

            await transaction.CommitAsync(ct);
        }
        catch (Exception ex)
        {
            // Nothing of this batch is committed: fail the appended events and every request not yet settled.
            foreach (var (request, _) in appended)
            {
                request.Completion.TrySetException(ex);
            }

            for (var i = settled; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetException(ex);
            }

            // A broken connection must not poison every later append.
            await DisposeConnectionAsync();
            return;
        }

        foreach (var (request, e) in appended)
        {
            request.Completion.TrySetResult(e);
        }
    }

    private async Task DisposeConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    /// <summary>One caller's append, settled by whichever writer commits (or fails) it.</summary>
    private sealed class PendingAppend(PracticeId practiceId, Func<AuditChainHead, AuditEvent> buildNext, CancellationToken ct)
    {
        public PracticeId PracticeId { get; } = practiceId;

        public Func<AuditChainHead, AuditEvent> BuildNext { get; } = buildNext;

        public CancellationToken Ct { get; } = ct;

        // Asynchronous continuations: a caller's code must not run inside the writer while it settles a batch.
        public TaskCompletionSource<AuditEvent> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer connection with its two statements prepared once and reused for every append.</summary>
    private sealed class WriterConnection : IAsyncDisposable
    {
        private readonly SqliteCommand _head;
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _insertParameters;

        private WriterConnection(SqliteConnection connection)
        {
            Connection = connection;
            _head = connection.CreateCommand();
            _head.CommandText = "SELECT sequence, hash FROM audit_events WHERE practice_id = $p ORDER BY sequence DESC LIMIT 1";
            _head.Parameters.Add("$p", SqliteType.Text);

            _insert = connection.CreateCommand();
            _insert.CommandText = $"INSERT INTO audit_events ({Columns}) VALUES ($id, $p, $seq, $ts, $uid, $email, $ip, $ua, $action, $tt, $tid, $cid, $result, $details, $prev, $hash)";
            _insertParameters =
            [
                _insert.Parameters.Add("$id", SqliteType.Text),
                _insert.Parameters.Add("$p", SqliteType.Text),
                _insert.Parameters.Add("$seq", SqliteType.Integer),
                _insert.Parameters.Add("$ts", SqliteType.Integer),
                _insert.Parameters.Add("$uid", SqliteType.Text),
                _insert.Parameters.Add("$email", SqliteType.Text),
                _insert.Parameters.Add("$ip", SqliteType.Text),
                _insert.Parameters.Add("$ua", SqliteType.Text),
                _insert.Parameters.Add("$action", SqliteType.Text),
                _insert.Parameters.Add("$tt", SqliteType.Text),
                _insert.Parameters.Add("$tid", SqliteType.Text),
                _insert.Parameters.Add("$cid", SqliteType.Text),
                _insert.Parameters.Add("$result", SqliteType.Text),
                _insert.Parameters.Add("$details", SqliteType.Text),
                _insert.Parameters.Add("$prev", SqliteType.Text),
                _insert.Parameters.Add("$hash", SqliteType.Text),
            ];
        }

        public SqliteConnection Connection { get; }

        public static async Task<WriterConnection> OpenAsync(SqliteDatabase database, CancellationToken ct)
        {
            var connection = await database.OpenAsync(ct);
            try
            {
                var writer = new WriterConnection(connection);
                writer._head.Prepare();
                writer._insert.Prepare();
                return writer;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        /// <summary>The statements must name the connection's current transaction.</summary>
        public void Enlist(SqliteTransaction transaction)
        {
            _head.Transaction = transaction;
            _insert.Transaction = transaction;
        }

        public async Task<AuditChainHead> ReadHeadAsync(PracticeId practiceId, CancellationToken ct)
        {
            _head.Parameters[0].Value = practiceId.ToString();
            await using var reader = await _head.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1))
                : AuditChainHead.Genesis;
        }

        public async Task InsertAsync(AuditEvent e, CancellationToken ct)
        {
            var p = _insertParameters;
            p[0].Value = e.Id.ToString("D");
            p[1].Value = e.PracticeId.ToString();
            p[2].Value = e.Sequence;
            p[3].Value = e.Timestamp.ToUnixTimeMilliseconds();
            p[4].Value = (object?)e.ActorUserId?.ToString() ?? DBNull.Value;
            p[5].Value = (object?)e.ActorEmail ?? DBNull.Value;
            p[6].Value = (object?)e.SourceIp ?? DBNull.Value;
            p[7].Value = (object?)e.UserAgent ?? DBNull.Value;
            p[8].Value = e.Action.ToString();
            p[9].Value = (object?)e.TargetType ?? DBNull.Value;
            p[10].Value = (object?)e.TargetId ?? DBNull.Value;
            p[11].Value = (object?)e.ClientId ?? DBNull.Value;
            p[12].Value = e.Result.ToString();
            p[13].Value = JsonSerializer.Serialize(e.Details);
            p[14].Value = e.PreviousHash;
            p[15].Value = e.Hash;
            await _insert.ExecuteNonQueryAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            await _head.DisposeAsync();
            await _insert.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
