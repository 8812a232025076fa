using Microsoft.Data.Sqlite;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Infrastructure.Auditing;

namespace Plexura.Tests.Persistence;

/// <summary>On SQLite, the newest page for each single viewer filter walks that filter's index, without a sort.</summary>
public sealed class AuditQueryPlanTests(SqliteStorageFixture fixture) : IClassFixture<SqliteStorageFixture>
{
    public static TheoryData<string, string> Filters() => new()
    {
        { "action", "action IN ($v) AND sequence < $s" },
        { "result", "result = $v AND sequence < $s" },
        { "actor", "actor_user_id = $v AND sequence < $s" },
        { "client", "client_id = $v AND sequence < $s" },
        { "target-type", "target_type = $v AND sequence < $s" },
        { "target-id", "target_id = $v AND sequence < $s" },
        { "ip", "source_ip = $v AND sequence < $s" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task NewestPage_SingleFilter_UsesItsIndexAndNoSort(string filter, string where)
    {
        var index = SqliteAuditStore.NewestFirstIndex(QueryFor(filter));
        Assert.NotNull(index);

        var plan = await PlanAsync($"SELECT * FROM audit_events INDEXED BY {index} WHERE practice_id = $p AND {where} ORDER BY sequence DESC LIMIT 51");

        Assert.Contains($"USING INDEX {index}", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void NewestFirstIndex_NoEqualityFilter_LeavesThePrimaryKey()
    {
        Assert.Null(SqliteAuditStore.NewestFirstIndex(new AuditQuery(From: DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public async Task Query_OldNarrowTimeRange_FindsItsEventsNewestFirst()
    {
        var practice = PracticeId.New();
        var log = fixture.Get<IAuditLog>();
        var start = fixture.Time.GetUtcNow();
        for (var i = 0; i < 6; i++)
        {
            await log.RecordAsync(new AuditEntry(practice, AuditActor.Anonymous, null, null, AuditAction.SignIn, "t", $"{i}", null, AuditResult.Success), CancellationToken.None);
            fixture.Time.Advance(TimeSpan.FromDays(1));
        }

        var found = await fixture.Get<IAuditStore>().QueryAsync(practice, new AuditQuery(From: start, To: start.AddDays(2)), CancellationToken.None);

        Assert.Equal(["1", "0"], found.Select(e => e.TargetId));
    }

    private static AuditQuery QueryFor(string filter) => filter switch
    {
        "action" => new AuditQuery(Action: AuditAction.PhiViewed),
        "result" => new AuditQuery(Result: AuditResult.Denied),
        "actor" => new AuditQuery(ActorUserId: UserId.New()),
        "client" => new AuditQuery(ClientId: "c"),
        "target-type" => new AuditQuery(TargetType: "client"),
        "target-id" => new AuditQuery(TargetId: "t"),
        _ => new AuditQuery(SourceIp: "203.0.113.7"),
    };

    private async Task<string> PlanAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"EXPLAIN QUERY PLAN {sql}";
        command.Parameters.AddWithValue("$p", "p");
        command.Parameters.AddWithValue("$v", "v");
        command.Parameters.AddWithValue("$s", 10L);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join('\n', lines);
    }
}
