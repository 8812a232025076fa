using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Sessions;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The clinical session storage contract: every engine must pass exactly these tests.</summary>
public abstract class ClinicalSessionRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IClinicalSessionRepository Sessions => fixture.Get<IClinicalSessionRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task SessionAdd_ThenGet_ReturnsItWithItsConsentIdsAndVersionZero()
    {
        var practice = await NewPracticeAsync();
        var session = await NewSessionAsync(practice, ClientId.New());

        var loaded = await Sessions.GetAsync(practice, session.Id, Ct);

        Assert.Equivalent(session, loaded, strict: true);
        Assert.Equal(session.ConsentIds, loaded!.ConsentIds);
        Assert.Equal((0L, ClinicalSessionStatus.Recording), (loaded.Version, loaded.Status));
    }

    [EngineFact]
    public async Task SessionAdd_SameIdTwice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var session = await NewSessionAsync(practice, ClientId.New());

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Sessions.AddAsync(practice, session, Ct));
    }

    [EngineFact]
    public async Task SessionGet_Unknown_ReturnsNull()
    {
        var practice = await NewPracticeAsync();

        Assert.Null(await Sessions.GetAsync(practice, ClinicalSessionId.New(), Ct));
    }

    [EngineFact]
    public async Task SessionListForClient_TwoClients_ReturnsOnlyThatClientsOldestFirst()
    {
        var practice = await NewPracticeAsync();
        var client = ClientId.New();
        var first = await NewSessionAsync(practice, client);
        var second = await NewSessionAsync(practice, client);
        await NewSessionAsync(practice, ClientId.New());

        var listed = await Sessions.ListForClientAsync(practice, client, Ct);

        Assert.Equal(new[] { first.Id, second.Id }.OrderBy(id => id.ToString(), StringComparer.Ordinal), listed.Select(s => s.Id));
    }

    [EngineFact]
    public async Task Session_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewSessionAsync(other, ClientId.New());

        Assert.Null(await Sessions.GetAsync(mine, theirs.Id, Ct));
        Assert.Empty(await Sessions.ListForClientAsync(mine, theirs.ClientId, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Sessions.AddAsync(mine, theirs with { Id = ClinicalSessionId.New() }, Ct));

        Assert.Equal(theirs.Id, (await Sessions.GetAsync(other, theirs.Id, Ct))?.Id);
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }

    private async Task<ClinicalSession> NewSessionAsync(PracticeId practiceId, ClientId clientId)
    {
        var session = new ClinicalSession(
            ClinicalSessionId.New(), practiceId, clientId, UserId.New(), Now, ClinicalSessionStatus.Recording,
            [ClientConsentId.New(), ClientConsentId.New()]);
        await Sessions.AddAsync(practiceId, session, Ct);
        return session;
    }
}

public sealed class SqliteClinicalSessionRepositoryContractTests(SqliteStorageFixture fixture)
    : ClinicalSessionRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoClinicalSessionRepositoryContractTests(MongoStorageFixture fixture)
    : ClinicalSessionRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
