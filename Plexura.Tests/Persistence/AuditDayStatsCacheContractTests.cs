using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Compliance;
using Plexura.Infrastructure.Auditing;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The dashboard's day cache on each engine: closed days read back as counted, open days never stored, practices apart.</summary>
public abstract class AuditDayStatsCacheContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private const string NewYork = "America/New_York";

    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly UserId Ana = UserId.New();

    private static readonly UserId Ben = UserId.New();

    /// <summary>Thu 12 Nov 2026, 10:00 in New York (EST, UTC-5).</summary>
    private static readonly DateTimeOffset Now = At("2026-11-12T15:00:00Z");

    /// <summary>The engine's adapter without the cache.</summary>
    protected abstract IAuditStatistics Live { get; }

    /// <summary>The storage the tests run on.</summary>
    protected TFixture Fixture => fixture;

    private IDocumentCollection<AuditDayStats> Cache => fixture.Get<IDocumentStore>().Collection(Collections.AuditDayStats);

    [EngineFact]
    public async Task ClosedDays_CountedOnceThenRead_EqualTheLiveCounts()
    {
        var practice = PracticeId.New();
        await SeedAsync(practice);
        var cached = new CachedAuditStatistics(Live, fixture.Get<IDocumentStore>(), new FakeTimeProvider(Now));
        var days = new AuditDays(new DateOnly(2026, 11, 5), 8, NewYork); // 5..12 Nov, today last

        var expectedDays = Sorted(await Live.CountByDayAsync(practice, days, Ct));
        var expectedClients = Sorted(await Live.DistinctClientsByActorAndDayAsync(practice, days, [AuditAction.PhiViewed], Ct));
        var firstDays = Sorted(await cached.CountByDayAsync(practice, days, Ct));
        var firstClients = Sorted(await cached.DistinctClientsByActorAndDayAsync(practice, days, [AuditAction.PhiViewed], Ct));
        var stored = await StoredDaysAsync(practice);
        var secondDays = Sorted(await cached.CountByDayAsync(practice, days, Ct));
        var secondClients = Sorted(await cached.DistinctClientsByActorAndDayAsync(practice, days, [AuditAction.PhiViewed], Ct));

        Assert.NotEmpty(expectedDays);
        Assert.NotEmpty(expectedClients);
        Assert.Equal(expectedDays, firstDays);
        Assert.Equal(expectedDays, secondDays);
        Assert.Equal(expectedClients, firstClients);
        Assert.Equal(expectedClients, secondClients);

        // Both statistics stored every closed day (5..11 Nov), with and without events, and the second view read them.
        var closed = Enumerable.Range(0, 7).Select(i => new DateOnly(2026, 11, 5).AddDays(i)).ToList();
        Assert.Equal(closed, stored.Where(d => d.Kind == CachedAuditStatistics.DayCountsKind).Select(d => d.Day).Order());
        Assert.Equal(closed, stored.Where(d => d.Kind != CachedAuditStatistics.DayCountsKind).Select(d => d.Day).Order());
    }

    [EngineFact]
    public async Task Today_AndADayEndedWithinTheMargin_AreNeverStored_AndCountNewEvents()
    {
        var practice = PracticeId.New();

        // 00:05 on Thu 12 Nov in New York: Wednesday ended 5 minutes ago, within the closing margin.
        var now = At("2026-11-12T05:05:00Z");
        var time = new FakeTimeProvider(now);
        var cached = new CachedAuditStatistics(Live, fixture.Get<IDocumentStore>(), time);
        var days = new AuditDays(new DateOnly(2026, 11, 10), 3, NewYork);
        await AppendAsync(practice, At("2026-11-10T15:00:00Z"), AuditAction.SignIn);
        await AppendAsync(practice, At("2026-11-12T04:59:00Z"), AuditAction.SignIn); // Wed 23:59

        Assert.Equal(1, CachedAuditStatistics.ClosedDays(days, now));
        Assert.Equal(2, (await cached.CountByDayAsync(practice, days, Ct)).Sum(r => r.Count));
        Assert.Equal([new DateOnly(2026, 11, 10)], (await StoredDaysAsync(practice)).Select(d => d.Day));

        // An event recorded late into Wednesday (timestamped before midnight) and one today are both counted.
        await AppendAsync(practice, At("2026-11-12T04:59:59Z"), AuditAction.SignIn);
        await AppendAsync(practice, At("2026-11-12T05:04:00Z"), AuditAction.SignIn);
        var rows = await cached.CountByDayAsync(practice, days, Ct);

        Assert.Equal(
            [(new DateOnly(2026, 11, 10), 1L), (new DateOnly(2026, 11, 11), 2L), (new DateOnly(2026, 11, 12), 1L)],
            rows.Select(r => (r.Day, r.Count)).OrderBy(r => r.Day));
        Assert.Equal([new DateOnly(2026, 11, 10)], (await StoredDaysAsync(practice)).Select(d => d.Day));

        // Once the margin has passed, Wednesday is stored; today still is not.
        time.Advance(CachedAuditStatistics.ClosingMargin);
        await cached.CountByDayAsync(practice, days, Ct);
        Assert.Equal([new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 11)], (await StoredDaysAsync(practice)).Select(d => d.Day).Order());
    }

    [EngineFact]
    public async Task AnotherPractice_EventsAndCachedDays_AreNeverCounted()
    {
        var practice = PracticeId.New();
        var other = PracticeId.New();
        await SeedAsync(practice);
        await AppendAsync(other, At("2026-11-09T15:00:00Z"), AuditAction.Exported, Ben, client: "x1");
        var cached = new CachedAuditStatistics(Live, fixture.Get<IDocumentStore>(), new FakeTimeProvider(Now));
        var days = new AuditDays(new DateOnly(2026, 11, 5), 8, NewYork);

        // The practice's days are cached first; the other practice's view must not read them, nor they its event.
        await cached.CountByDayAsync(practice, days, Ct);
        await cached.DistinctClientsByActorAndDayAsync(practice, days, [AuditAction.PhiViewed], Ct);
        var others = await cached.CountByDayAsync(other, days, Ct);
        var otherClients = await cached.DistinctClientsByActorAndDayAsync(other, days, [AuditAction.PhiViewed], Ct);
        var mine = await cached.CountByDayAsync(practice, days, Ct);

        Assert.Equal((new DateOnly(2026, 11, 9), AuditAction.Exported, 1L), Assert.Single(others.Select(r => (r.Day, r.Action, r.Count))));
        Assert.Empty(otherClients);
        Assert.DoesNotContain(mine, r => r.Action == AuditAction.Exported);
        Assert.All(await StoredDaysAsync(other), d => Assert.Equal(other, d.PracticeId));
        Assert.Equal(7, (await StoredDaysAsync(other)).Count(d => d.Kind == CachedAuditStatistics.DayCountsKind)); // its own closed days, same dates
        Assert.All(await StoredDaysAsync(practice), d => Assert.Equal(practice, d.PracticeId));
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Sorted(IEnumerable<object> rows) => [.. rows.Select(r => r.ToString()!).Order(StringComparer.Ordinal)];

    private async Task<IReadOnlyList<AuditDayStats>> StoredDaysAsync(PracticeId practice) =>
        await Cache.FindPageAsync(DocumentScope.Practice(practice), new DocumentPageQuery(1_000), Ct);

    /// <summary>Events on several days (none on 7 and 8 Nov), near local midnights, and today.</summary>
    private async Task SeedAsync(PracticeId practice)
    {
        await AppendAsync(practice, At("2026-11-05T05:00:00Z"), AuditAction.SignIn, Ana); // Thu 5 Nov 00:00
        await AppendAsync(practice, At("2026-11-05T14:00:00Z"), AuditAction.PhiViewed, Ana, client: "c1");
        await AppendAsync(practice, At("2026-11-05T15:00:00Z"), AuditAction.PhiViewed, Ana, client: "c2");
        await AppendAsync(practice, At("2026-11-06T04:59:59Z"), AuditAction.PhiViewed, Ben, client: "c1", result: AuditResult.Denied); // Thu 23:59
        await AppendAsync(practice, At("2026-11-06T16:00:00Z"), AuditAction.PhiViewed, Ben, client: "c3");
        await AppendAsync(practice, At("2026-11-09T16:00:00Z"), AuditAction.SignInFailed, Ana, result: AuditResult.Failed);
        await AppendAsync(practice, At("2026-11-11T16:00:00Z"), AuditAction.PhiViewed, Ana, client: "c4");
        await AppendAsync(practice, At("2026-11-12T14:00:00Z"), AuditAction.PhiViewed, Ana, client: "c5"); // today
    }

    private Task<AuditEvent> AppendAsync(
        PracticeId practice, DateTimeOffset at, AuditAction action, UserId? actor = null, string? client = null, AuditResult result = AuditResult.Success) =>
        fixture.Get<IAuditStore>().AppendAsync(practice, head =>
        {
            var e = new AuditEvent(
                Guid.CreateVersion7(), practice, head.Sequence + 1, at, actor, null, null, null, action, client is null ? null : "client", client, client, result,
                new Dictionary<string, string>(), head.Hash, string.Empty);
            return e with { Hash = AuditHasher.ComputeHash(e) };
        }, Ct);
}

public sealed class SqliteAuditDayStatsCacheContractTests(SqliteStorageFixture fixture)
    : AuditDayStatsCacheContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>
{
    protected override IAuditStatistics Live => Fixture.Get<SqliteAuditStatistics>();
}

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoAuditDayStatsCacheContractTests(MongoStorageFixture fixture)
    : AuditDayStatsCacheContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>
{
    protected override IAuditStatistics Live => Fixture.Get<MongoAuditStatistics>();
}
