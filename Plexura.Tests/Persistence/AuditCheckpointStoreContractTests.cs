using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>Checkpoints and verification results on each engine: stored, listed in order, kept inside their practice.</summary>
public abstract class AuditCheckpointStoreContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IAuditCheckpointStore Store => fixture.Get<IAuditCheckpointStore>();

    [EngineFact]
    public async Task Checkpoints_StoredAndListedOldestFirst_OnlyInTheirPractice()
    {
        var mine = await NewPracticeAsync();
        var theirs = await NewPracticeAsync();
        var at = fixture.Time.GetUtcNow();
        var first = Checkpoint(mine, 5, at);
        var second = Checkpoint(mine, 9, at.AddDays(1));
        await Store.AddCheckpointAsync(second.PracticeId, second, Ct);
        await Store.AddCheckpointAsync(first.PracticeId, first, Ct);
        await Store.AddCheckpointAsync(theirs, Checkpoint(theirs, 3, at), Ct);

        var listed = await Store.ListCheckpointsAsync(mine, Ct);

        Assert.Equal([5L, 9L], listed.Select(c => c.Sequence));
        Assert.Equal((first.Hash, first.SignedBlock, first.HeadTime, first.Reason), (listed[0].Hash, listed[0].SignedBlock, listed[0].HeadTime, listed[0].Reason));
        Assert.Single(await Store.ListCheckpointsAsync(theirs, Ct));
    }

    [EngineFact]
    public async Task Verifications_ListedNewestFirst_Limited_OnlyInTheirPractice()
    {
        var mine = await NewPracticeAsync();
        var theirs = await NewPracticeAsync();
        var at = fixture.Time.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await Store.AddVerificationAsync(mine, Verification(mine, at.AddHours(i), valid: i != 2), Ct);
        }

        await Store.AddVerificationAsync(theirs, Verification(theirs, at.AddHours(5), valid: true), Ct);

        var latest = await Store.ListVerificationsAsync(mine, 2, Ct);

        Assert.Equal(2, latest.Count);
        Assert.Equal((false, (long?)7, at.AddHours(2)), (latest[0].IsValid, latest[0].FirstBadSequence, latest[0].FinishedAt));
        Assert.True(latest[1].IsValid);
        Assert.All(latest, v => Assert.Equal(mine, v.PracticeId));
    }

    [EngineFact]
    public async Task PracticeIds_IncludeEveryPractice()
    {
        var practice = await NewPracticeAsync();

        var ids = new List<PracticeId>();
        await foreach (var id in Store.ListPracticeIdsAsync(Ct))
        {
            ids.Add(id);
        }

        Assert.Contains(practice, ids);
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var id = PracticeId.New();
        await fixture.Get<IPracticeRepository>().AddAsync(id, new Practice(id, "Checkpoint Practice", fixture.Time.GetUtcNow()), Ct);
        return id;
    }

    private static AuditCheckpoint Checkpoint(PracticeId practice, long sequence, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), practice, sequence, new string('a', 64), at.AddMinutes(-1), at, "daily", "-----BEGIN PLEXURA AUDIT CHECKPOINT-----\n...", "0123456789abcdef");

    private static AuditVerification Verification(PracticeId practice, DateTimeOffset at, bool valid) =>
        new(Guid.CreateVersion7(), practice, at.AddSeconds(-2), at, null, "daily job", 100, valid, valid ? null : 7, valid ? null : "altered", 1, false);
}

public sealed class SqliteAuditCheckpointStoreContractTests(SqliteStorageFixture fixture)
    : AuditCheckpointStoreContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoAuditCheckpointStoreContractTests(MongoStorageFixture fixture)
    : AuditCheckpointStoreContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
