using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Infrastructure.Persistence.Sqlite;

namespace Plexura.Infrastructure.Auditing;

/// <summary>Audit statistics in the embedded database: GROUP BY over the covering index <see cref="IndexName"/>.</summary>
/// <remarks>
/// Days and windows are turned into a small table of millisecond ranges (a VALUES list of numbers computed here, so
/// nothing a user typed reaches the SQL text) joined with the events: each range is one seek in the index on
/// (practice, time, action, result, actor, client, IP), and the counts are read from the index alone, never from the
/// wide event rows.
/// </remarks>
internal sealed class SqliteAuditStatistics(SqliteDatabase database) : IAuditStatistics
{
    /// <summary>The covering index the statistics read (migration 29).</summary>
    public const string IndexName = "ix_audit_events_stats";

    /// <summary>Creates <see cref="IndexName"/>.</summary>
    public const string CreateIndexSql =
        $"CREATE INDEX IF NOT EXISTS {IndexName} ON audit_events (practice_id, timestamp_ms, action, result, actor_user_id, client_id, source_ip)";

    /// <summary>The covering index windowed counts filtered by action read (migration 39): one seek per action and window.</summary>
    public const string ActionIndexName = "ix_audit_events_action_stats";

    /// <summary>Creates <see cref="ActionIndexName"/>.</summary>
    public const string CreateActionIndexSql =
        $"CREATE INDEX IF NOT EXISTS {ActionIndexName} ON audit_events (practice_id, action, timestamp_ms, result, actor_user_id, client_id, source_ip)";

    public async Task<IReadOnlyList<AuditDayCount>> CountByDayAsync(PracticeId practiceId, AuditDays days, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        var boundaries = days.Boundaries();
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH ranges(i, s, e) AS (VALUES {Ranges(boundaries)})
            SELECT ranges.i, a.action, a.result, COUNT(*)
            FROM ranges JOIN audit_events a
              ON a.practice_id = $p AND a.timestamp_ms >= ranges.s AND a.timestamp_ms < ranges.e
            GROUP BY ranges.i, a.action, a.result
            """;
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        var rows = new List<AuditDayCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditDayCount(
                days.First.AddDays(reader.GetInt32(0)),
                Enum.Parse<AuditAction>(reader.GetString(1)),
                Enum.Parse<AuditResult>(reader.GetString(2)),
                reader.GetInt64(3)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<AuditGroupCount>> CountByAsync(PracticeId practiceId, AuditGrouping grouping, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grouping);
        grouping.Validate();
        var windows = AuditWindows.Merge(grouping.Windows);
        var key = grouping.Key switch
        {
            AuditGroupKey.Actor => "a.actor_user_id",
            AuditGroupKey.SourceIp => "a.source_ip",
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new StringBuilder();
        AddActions(command, where, grouping.Actions);
        if (grouping.Result is { } result)
        {
            where.Append(" AND a.result = $result");
            command.Parameters.AddWithValue("$result", result.ToString());
        }

        // With an action filter, each (action, window) pair is one seek in the by-action index, so the rows of other
        // actions (most of a practice's events) are never read.
        var index = grouping.Actions is null ? IndexName : ActionIndexName;
        command.CommandText = $"""
            WITH ranges(i, s, e) AS (VALUES {Ranges(windows)})
            SELECT {key}, COUNT(*), COUNT(DISTINCT a.client_id), MIN(a.timestamp_ms), MAX(a.timestamp_ms)
            FROM ranges JOIN audit_events a INDEXED BY {index}
              ON a.practice_id = $p AND a.timestamp_ms >= ranges.s AND a.timestamp_ms < ranges.e
            WHERE 1{where}
            GROUP BY {key}
            HAVING COUNT(*) >= $min
            ORDER BY COUNT(*) DESC, {key}
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        command.Parameters.AddWithValue("$min", grouping.MinCount);
        command.Parameters.AddWithValue("$limit", grouping.Limit);
        var rows = new List<AuditGroupCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditGroupCount(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return rows;
    }

    public async Task<IReadOnlyList<AuditActorDayClients>> DistinctClientsByActorAndDayAsync(
        PracticeId practiceId, AuditDays days, IReadOnlyList<AuditAction> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(actions);
        var boundaries = days.Boundaries();
        await using var connection = await database.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new StringBuilder();
        AddActions(command, where, actions);
        command.CommandText = $"""
            WITH ranges(i, s, e) AS (VALUES {Ranges(boundaries)})
            SELECT ranges.i, a.actor_user_id, COUNT(DISTINCT a.client_id)
            FROM ranges JOIN audit_events a INDEXED BY {ActionIndexName}
              ON a.practice_id = $p AND a.timestamp_ms >= ranges.s AND a.timestamp_ms < ranges.e
            WHERE a.actor_user_id IS NOT NULL AND a.client_id IS NOT NULL{where}
            GROUP BY ranges.i, a.actor_user_id
            """;
        command.Parameters.AddWithValue("$p", practiceId.ToString());
        var rows = new List<AuditActorDayClients>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditActorDayClients(
                UserId.Parse(reader.GetString(1), CultureInfo.InvariantCulture), days.First.AddDays(reader.GetInt32(0)), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>The action filter as bound parameters (an empty list matches nothing).</summary>
    private static void AddActions(SqliteCommand command, StringBuilder where, IReadOnlyList<AuditAction>? actions)
    {
        if (actions is null)
        {
            return;
        }

        var names = new List<string>();
        foreach (var action in actions.Distinct())
        {
            var name = $"$action{names.Count}";
            names.Add(name);
            command.Parameters.AddWithValue(name, action.ToString());
        }

        where.Append(names.Count == 0 ? " AND 0" : $" AND a.action IN ({string.Join(", ", names)})");
    }

    /// <summary>A VALUES list of (index, start ms, end ms) between consecutive boundaries.</summary>
    private static string Ranges(IReadOnlyList<DateTimeOffset> boundaries) =>
        string.Join(", ", Enumerable.Range(0, boundaries.Count - 1).Select(i => Range(i, boundaries[i], boundaries[i + 1])));

    /// <summary>A VALUES list of (index, start ms, end ms) of the windows.</summary>
    private static string Ranges(IReadOnlyList<AuditTimeWindow> windows) =>
        string.Join(", ", windows.Select((w, i) => Range(i, w.From, w.To)));

    private static string Range(int index, DateTimeOffset start, DateTimeOffset end) => string.Create(
        CultureInfo.InvariantCulture, $"({index}, {start.ToUnixTimeMilliseconds()}, {end.ToUnixTimeMilliseconds()})");
}
