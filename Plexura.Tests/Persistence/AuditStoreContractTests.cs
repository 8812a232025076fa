using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The audit log on each engine: gap-free chains under concurrency, tamper detection, isolation.</summary>
public abstract class AuditStoreContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IAuditLog Log => fixture.Get<IAuditLog>();

    private IAuditStore Store => fixture.Get<IAuditStore>();

    private AuditChainVerifier Verifier => fixture.Get<AuditChainVerifier>();

    [EngineFact]
    public async Task Record_ThreeEvents_ChainsThemFromGenesis()
    {
        var practice = PracticeId.New();

        var first = await Log.RecordAsync(Entry(practice), Ct);
        var second = await Log.RecordAsync(Entry(practice, AuditAction.PhiViewed, clientId: "client-1"), Ct);
        var third = await Log.RecordAsync(Entry(practice, AuditAction.SignOut), Ct);

        Assert.Equal([1L, 2L, 3L], new[] { first.Sequence, second.Sequence, third.Sequence });
        Assert.Equal(AuditChainHead.Genesis.Hash, first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal(second.Hash, third.PreviousHash);
        var stored = await ReadAllAsync(practice);
        Assert.Equal(new[] { first, second, third }.Select(Comparable), stored.Select(Comparable));
    }

    [EngineFact]
    public async Task Record_ManyConcurrentAppenders_ProduceGapFreeValidChain()
    {
        var practice = PracticeId.New();
        const int Writers = 8;
        const int EventsEach = 25;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < EventsEach; i++)
            {
                await Log.RecordAsync(Entry(practice, details: new Dictionary<string, string> { ["writer"] = $"{w}", ["i"] = $"{i}" }), Ct);
            }
        })));

        var stored = await ReadAllAsync(practice);
        Assert.Equal(Enumerable.Range(1, Writers * EventsEach).Select(i => (long)i), stored.Select(e => e.Sequence));
        var report = await Verifier.VerifyAsync(practice, Ct);
        Assert.True(report.IsValid, report.Problem);
        Assert.Equal(Writers * EventsEach, report.EventsChecked);
    }

    [EngineFact]
    public async Task Verify_RowAlteredBehindTheAppsBack_ReportsExactlyThatSequence()
    {
        var practice = PracticeId.New();
        for (var i = 0; i < 10; i++)
        {
            await Log.RecordAsync(Entry(practice), Ct);
        }

        Assert.True((await Verifier.VerifyAsync(practice, Ct)).IsValid);

        await fixture.TamperWithAuditEventAsync(practice, 7);
        var report = await Verifier.VerifyAsync(practice, Ct);

        Assert.False(report.IsValid);
        Assert.Equal(7, report.FirstBrokenSequence);
        Assert.Contains("altered", report.Problem, StringComparison.Ordinal);
    }

    [EngineFact]
    public async Task Verify_EmptyChain_IsValidWithNoEvents()
    {
        var report = await Verifier.VerifyAsync(PracticeId.New(), Ct);

        Assert.Equal(new AuditChainReport(true, 0, null, null), report);
    }

    [EngineFact]
    public async Task Chains_OfTwoPractices_AreIndependentAndIsolated()
    {
        var mine = PracticeId.New();
        var theirs = PracticeId.New();
        await Log.RecordAsync(Entry(mine), Ct);
        await Log.RecordAsync(Entry(theirs, clientId: "their-client"), Ct);
        var secondOfMine = await Log.RecordAsync(Entry(mine), Ct);

        Assert.Equal(2, secondOfMine.Sequence);
        Assert.All(await ReadAllAsync(mine), e => Assert.Equal(mine, e.PracticeId));
        Assert.Empty(await Store.QueryAsync(mine, new AuditQuery(ClientId: "their-client"), Ct));
        Assert.Single(await Store.QueryAsync(theirs, new AuditQuery(ClientId: "their-client"), Ct));
    }

    [EngineFact]
    public async Task Record_NoPractice_JoinsTheSystemChain()
    {
        var before = (await Verifier.VerifyAsync(PracticeId.None, Ct)).EventsChecked;

        var failed = await Log.RecordAsync(Entry(PracticeId.None, AuditAction.SignInFailed, result: AuditResult.Failed) with { Actor = AuditActor.Anonymous }, Ct);

        Assert.Equal(PracticeId.None, failed.PracticeId);
        var report = await Verifier.VerifyAsync(PracticeId.None, Ct);
        Assert.True(report.IsValid, report.Problem);
        Assert.Equal(before + 1, report.EventsChecked);
    }

    [EngineFact]
    public async Task Query_ByEachFilter_ReturnsMatchingNewestFirst()
    {
        var practice = PracticeId.New();
        var actor = UserId.New();
        var start = fixture.Time.GetUtcNow();
        await Log.RecordAsync(Entry(practice, AuditAction.SignIn), Ct);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Log.RecordAsync(Entry(practice, AuditAction.PhiViewed, clientId: "c-1") with { Actor = new AuditActor(actor, "a@example.com") }, Ct);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await Log.RecordAsync(Entry(practice, AuditAction.Exported, clientId: "c-1", result: AuditResult.Denied), Ct);

        Assert.Equal([3L, 2L, 1L], (await Store.QueryAsync(practice, new AuditQuery(), Ct)).Select(e => e.Sequence));
        Assert.Equal([2L], (await Store.QueryAsync(practice, new AuditQuery(Action: AuditAction.PhiViewed), Ct)).Select(e => e.Sequence));
        Assert.Equal([2L], (await Store.QueryAsync(practice, new AuditQuery(ActorUserId: actor), Ct)).Select(e => e.Sequence));
        Assert.Equal([3L, 2L], (await Store.QueryAsync(practice, new AuditQuery(ClientId: "c-1"), Ct)).Select(e => e.Sequence));
        Assert.Equal([3L], (await Store.QueryAsync(practice, new AuditQuery(Result: AuditResult.Denied), Ct)).Select(e => e.Sequence));
        Assert.Equal([2L], (await Store.QueryAsync(practice, new AuditQuery(From: start.AddMinutes(1), To: start.AddMinutes(2)), Ct)).Select(e => e.Sequence));
        Assert.Equal([3L], (await Store.QueryAsync(practice, new AuditQuery(Limit: 1), Ct)).Select(e => e.Sequence));
    }

    [EngineFact]
    public async Task Query_ByTargetIpActionSetAndKeyset_PagesNewestFirstWithoutGapsOrRepeats()
    {
        var practice = PracticeId.New();
        for (var i = 0; i < 7; i++)
        {
            var action = i % 2 == 0 ? AuditAction.PhiViewed : AuditAction.Exported;
            await Log.RecordAsync(
                Entry(practice, action) with { TargetType = i < 4 ? "client" : "session", TargetId = $"t-{i % 3}", SourceIp = i == 5 ? "203.0.113.9" : "198.51.100.1" },
                Ct);
        }

        Assert.Equal([4L, 3L, 2L, 1L], (await Store.QueryAsync(practice, new AuditQuery(TargetType: "client"), Ct)).Select(e => e.Sequence));
        Assert.Equal([7L, 4L, 1L], (await Store.QueryAsync(practice, new AuditQuery(TargetId: "t-0"), Ct)).Select(e => e.Sequence));
        Assert.Equal([6L], (await Store.QueryAsync(practice, new AuditQuery(SourceIp: "203.0.113.9"), Ct)).Select(e => e.Sequence));
        Assert.Equal(7, (await Store.QueryAsync(practice, new AuditQuery(Actions: [AuditAction.PhiViewed, AuditAction.Exported]), Ct)).Count);
        Assert.Empty(await Store.QueryAsync(practice, new AuditQuery(Action: AuditAction.SignIn, Actions: [AuditAction.PhiViewed]), Ct));

        var pages = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await Store.QueryAsync(practice, new AuditQuery(Limit: 3, BeforeSequence: before), Ct);
            if (page.Count == 0)
            {
                break;
            }

            pages.AddRange(page.Select(e => e.Sequence));
            before = page[^1].Sequence;
        }

        Assert.Equal([7L, 6L, 5L, 4L, 3L, 2L, 1L], pages);
    }

    [EngineFact]
    public async Task Stream_FilteredRange_YieldsEveryMatchOldestFirstOnlyOfThePractice()
    {
        var practice = PracticeId.New();
        var other = PracticeId.New();
        for (var i = 0; i < 2_500; i++)
        {
            await Log.RecordAsync(Entry(practice, i % 5 == 0 ? AuditAction.Exported : AuditAction.PhiViewed), Ct);
        }

        await Log.RecordAsync(Entry(other, AuditAction.Exported), Ct);

        var all = await Store.StreamAsync(practice, new AuditQuery(Limit: 1), Ct).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(1, 2_500).Select(i => (long)i), all.Select(e => e.Sequence));
        var exports = await Store.StreamAsync(practice, new AuditQuery(Action: AuditAction.Exported, AfterSequence: 10, BeforeSequence: 2_400), Ct).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(11, 2_389).Where(i => (i - 1) % 5 == 0).Select(i => (long)i), exports.Select(e => e.Sequence));
        Assert.All(exports, e => Assert.Equal(practice, e.PracticeId));
    }

    [EngineFact]
    public async Task Append_BuilderThatSkipsASequence_IsRefused()
    {
        var practice = PracticeId.New();
        var valid = await Log.RecordAsync(Entry(practice), Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.AppendAsync(practice, head => valid with { Id = Guid.NewGuid(), Sequence = head.Sequence + 2 }, Ct));

        Assert.Single(await ReadAllAsync(practice));
    }

    private static AuditEntry Entry(
        PracticeId practice,
        AuditAction action = AuditAction.SignIn,
        string? clientId = null,
        AuditResult result = AuditResult.Success,
        Dictionary<string, string>? details = null) =>
        new(practice, new AuditActor(UserId.New(), "clinician@example.com"), "203.0.113.7", "Mozilla/5.0 (test)", action,
            "client", Guid.NewGuid().ToString(), clientId, result, details ?? new Dictionary<string, string> { ["reason"] = "test" });

    private async Task<List<AuditEvent>> ReadAllAsync(PracticeId practice)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in Store.ReadChainAsync(practice, 1, Ct))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Records compare dictionaries by reference; compare the canonical hash input instead.</summary>
    private static string Comparable(AuditEvent e) => $"{e.Sequence}|{e.Hash}|{AuditHasher.ComputeHash(e)}|{e.Timestamp:O}";
}

public sealed class SqliteAuditStoreContractTests(SqliteStorageFixture fixture)
    : AuditStoreContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoAuditStoreContractTests(MongoStorageFixture fixture)
    : AuditStoreContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
