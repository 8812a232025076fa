using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The compliance dashboard's counts on each engine: local days across a DST change, groups, windows, isolation.</summary>
public abstract class AuditStatisticsContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private const string NewYork = "America/New_York";

    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly UserId Ana = UserId.New();

    private static readonly UserId Ben = UserId.New();

    private IAuditStatistics Statistics => fixture.Get<IAuditStatistics>();

    [EngineFact]
    public async Task CountByDay_AcrossTheEndOfDaylightSaving_CountsEachEventOnItsLocalDay()
    {
        var practice = PracticeId.New();
        var other = PracticeId.New();

        // US daylight saving ends on Sunday 1 Nov 2026 at 02:00 local (06:00Z): that day is 25 hours long.
        await AppendAsync(practice, At("2026-11-01T03:59:59.999Z"), AuditAction.SignIn); // Sat 31 Oct 23:59 EDT
        await AppendAsync(practice, At("2026-11-01T04:00:00Z"), AuditAction.SignIn); // Sun 1 Nov 00:00 EDT
        await AppendAsync(practice, At("2026-11-02T04:59:59Z"), AuditAction.PhiViewed, client: "c1"); // Sun 1 Nov 23:59 EST
        await AppendAsync(practice, At("2026-11-02T05:00:00Z"), AuditAction.PhiViewed, result: AuditResult.Denied); // Mon 2 Nov 00:00 EST
        await AppendAsync(practice, At("2026-11-02T05:00:01Z"), AuditAction.PhiViewed, result: AuditResult.Denied);
        await AppendAsync(practice, At("2026-10-31T03:59:59Z"), AuditAction.SignIn); // Fri 30 Oct: before the range
        await AppendAsync(practice, At("2026-11-03T05:00:00Z"), AuditAction.SignIn); // Tue 3 Nov: after it
        await AppendAsync(other, At("2026-11-01T12:00:00Z"), AuditAction.SignIn);

        var rows = await Statistics.CountByDayAsync(practice, new AuditDays(new DateOnly(2026, 10, 31), 3, NewYork), Ct);

        Assert.Equal(
            [
                (new DateOnly(2026, 10, 31), AuditAction.SignIn, AuditResult.Success, 1L),
                (new DateOnly(2026, 11, 1), AuditAction.PhiViewed, AuditResult.Success, 1L),
                (new DateOnly(2026, 11, 1), AuditAction.SignIn, AuditResult.Success, 1L),
                (new DateOnly(2026, 11, 2), AuditAction.PhiViewed, AuditResult.Denied, 2L),
            ],
            rows.Select(r => (r.Day, r.Action, r.Result, r.Count)).OrderBy(r => r.Day).ThenBy(r => r.Action.ToString(), StringComparer.Ordinal));
    }

    [EngineFact]
    public async Task CountByDay_PracticeWithoutEvents_IsEmpty()
    {
        await AppendAsync(PracticeId.New(), At("2026-11-01T12:00:00Z"), AuditAction.SignIn);

        Assert.Empty(await Statistics.CountByDayAsync(PracticeId.New(), new AuditDays(new DateOnly(2026, 10, 25), 30, "UTC"), Ct));
    }

    [EngineFact]
    public async Task CountBy_Actor_CountsInsideAnyWindowWithFiltersThresholdOrderAndDistinctClients()
    {
        var practice = PracticeId.New();
        for (var i = 0; i < 6; i++)
        {
            await AppendAsync(practice, At("2026-11-10T09:00:00Z").AddMinutes(i), AuditAction.PhiViewed, Ana, client: $"c{i % 3}");
        }

        await AppendAsync(practice, At("2026-11-10T09:30:00Z"), AuditAction.PhiViewed, Ana); // no client
        await AppendAsync(practice, At("2026-11-10T09:00:00Z"), AuditAction.PhiViewed, Ben, client: "c9");
        await AppendAsync(practice, At("2026-11-10T09:01:00Z"), AuditAction.PhiViewed, Ben, client: "c9");
        await AppendAsync(practice, At("2026-11-10T09:02:00Z"), AuditAction.PhiViewed, null);
        await AppendAsync(practice, At("2026-11-10T09:03:00Z"), AuditAction.PhiViewed, null);
        await AppendAsync(practice, At("2026-11-10T09:04:00Z"), AuditAction.SignIn, Ben); // other action
        await AppendAsync(practice, At("2026-11-10T09:05:00Z"), AuditAction.PhiViewed, Ben, result: AuditResult.Denied);
        await AppendAsync(practice, At("2026-11-10T11:00:00Z"), AuditAction.PhiViewed, Ben, client: "c8"); // outside the windows
        await AppendAsync(PracticeId.New(), At("2026-11-10T09:00:00Z"), AuditAction.PhiViewed, Ben, client: "c7");

        // Two overlapping windows: an event in both counts once.
        var windows = new[]
        {
            new AuditTimeWindow(At("2026-11-10T08:00:00Z"), At("2026-11-10T09:45:00Z")),
            new AuditTimeWindow(At("2026-11-10T09:00:00Z"), At("2026-11-10T10:00:00Z")),
        };
        var all = await Statistics.CountByAsync(practice, new AuditGrouping(windows, AuditGroupKey.Actor, [AuditAction.PhiViewed]), Ct);
        var succeeded = await Statistics.CountByAsync(practice, new AuditGrouping(windows, AuditGroupKey.Actor, [AuditAction.PhiViewed], AuditResult.Success, MinCount: 2), Ct);
        var top = await Statistics.CountByAsync(practice, new AuditGrouping(windows, AuditGroupKey.Actor, Limit: 1), Ct);

        Assert.Equal(
            [(Ana.ToString(), 7L, 3L), (Ben.ToString(), 3L, 1L), ((string?)null, 2L, 0L)],
            all.Select(g => (g.Key, g.Count, g.DistinctClients)));
        var ana = all[0];
        Assert.Equal(At("2026-11-10T09:00:00Z"), ana.First);
        Assert.Equal(At("2026-11-10T09:30:00Z"), ana.Last);
        // Ties by key, and no key sorts first on both engines.
        Assert.Equal([(Ana.ToString(), 7L), ((string?)null, 2L), (Ben.ToString(), 2L)], succeeded.Select(g => (g.Key, g.Count)));
        Assert.Equal(Ana.ToString(), Assert.Single(top).Key);
    }

    [EngineFact]
    public async Task CountBy_SourceIp_GroupsFailedSignInsByAddress()
    {
        var practice = PracticeId.New();
        for (var i = 0; i < 4; i++)
        {
            await AppendAsync(practice, At("2026-11-10T09:00:00Z").AddSeconds(i), AuditAction.SignInFailed, i % 2 == 0 ? Ana : Ben, ip: "198.51.100.4", result: AuditResult.Failed);
        }

        await AppendAsync(practice, At("2026-11-10T09:10:00Z"), AuditAction.SignInFailed, Ana, ip: "203.0.113.9", result: AuditResult.Failed);
        var window = new AuditTimeWindow(At("2026-11-10T00:00:00Z"), At("2026-11-11T00:00:00Z"));

        var groups = await Statistics.CountByAsync(practice, new AuditGrouping([window], AuditGroupKey.SourceIp, [AuditAction.SignInFailed], MinCount: 2), Ct);

        Assert.Equal(("198.51.100.4", 4L), (Assert.Single(groups).Key, groups[0].Count));
    }

    [EngineFact]
    public async Task DistinctClientsByActorAndDay_CountsEachMembersClientsPerLocalDay()
    {
        var practice = PracticeId.New();
        await AppendAsync(practice, At("2026-11-10T14:00:00Z"), AuditAction.PhiViewed, Ana, client: "c1");
        await AppendAsync(practice, At("2026-11-10T15:00:00Z"), AuditAction.PhiViewed, Ana, client: "c1");
        await AppendAsync(practice, At("2026-11-10T16:00:00Z"), AuditAction.PhiViewed, Ana, client: "c2");
        await AppendAsync(practice, At("2026-11-11T04:59:00Z"), AuditAction.PhiViewed, Ana, client: "c3"); // still 10 Nov in New York
        await AppendAsync(practice, At("2026-11-11T05:00:00Z"), AuditAction.PhiViewed, Ana, client: "c3"); // 11 Nov
        await AppendAsync(practice, At("2026-11-11T06:00:00Z"), AuditAction.PhiViewed, Ben, client: "c1");
        await AppendAsync(practice, At("2026-11-11T06:00:00Z"), AuditAction.Exported, Ben, client: "c2"); // other action
        await AppendAsync(practice, At("2026-11-11T06:00:00Z"), AuditAction.PhiViewed, null, client: "c2"); // nobody
        await AppendAsync(practice, At("2026-11-11T06:00:00Z"), AuditAction.PhiViewed, Ben); // no client

        var rows = await Statistics.DistinctClientsByActorAndDayAsync(
            practice, new AuditDays(new DateOnly(2026, 11, 10), 2, NewYork), [AuditAction.PhiViewed], Ct);

        Assert.Equal(
            [(Ana, new DateOnly(2026, 11, 10), 3L), (Ana, new DateOnly(2026, 11, 11), 1L), (Ben, new DateOnly(2026, 11, 11), 1L)],
            rows.Select(r => (r.ActorUserId, r.Day, r.DistinctClients)).OrderBy(r => r.Day).ThenBy(r => r.ActorUserId == Ana ? 0 : 1));
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Appends an event at a chosen time (the store takes any time; the log would take the clock's).</summary>
    private Task<AuditEvent> AppendAsync(
        PracticeId practice, DateTimeOffset at, AuditAction action, UserId? actor = null, string? client = null, string? ip = null, AuditResult result = AuditResult.Success) =>
        fixture.Get<IAuditStore>().AppendAsync(practice, head =>
        {
            var e = new AuditEvent(
                Guid.CreateVersion7(), practice, head.Sequence + 1, at, actor, null, ip, null, action, client is null ? null : "client", client, client, result,
                new Dictionary<string, string>(), head.Hash, string.Empty);
            return e with { Hash = AuditHasher.ComputeHash(e) };
        }, Ct);
}

public sealed class SqliteAuditStatisticsContractTests(SqliteStorageFixture fixture)
    : AuditStatisticsContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoAuditStatisticsContractTests(MongoStorageFixture fixture)
    : AuditStatisticsContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
