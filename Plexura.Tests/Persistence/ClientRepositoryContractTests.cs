using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The client storage contract, search included: every engine must pass exactly these tests.</summary>
public abstract class ClientRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IClientRepository Clients => fixture.Get<IClientRepository>();

    private ClientProtector Protector => fixture.Get<ClientProtector>();

    private IClientSearchIndexer Indexer => fixture.Get<IClientSearchIndexer>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task ClientAdd_ThenGet_ReturnsItWithVersionZeroAndReadableDetails()
    {
        var practice = await NewPracticeAsync();
        var client = await NewClientAsync(practice, "Dana Reyes");

        var loaded = await Clients.GetAsync(practice, client.Id, Ct);

        Assert.Equivalent(client, loaded, strict: true);
        Assert.Equal(0, loaded!.Version);
        Assert.Equal("Dana Reyes", (await Protector.RevealAsync(loaded, Ct)).Name);
    }

    [EngineFact]
    public async Task ClientAdd_SameIdTwice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var client = await NewClientAsync(practice, "Dana Reyes");

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Clients.AddAsync(practice, client, Ct));
    }

    [EngineFact]
    public async Task ClientGet_Unknown_ReturnsNull()
    {
        var practice = await NewPracticeAsync();

        Assert.Null(await Clients.GetAsync(practice, ClientId.New(), Ct));
    }

    [EngineFact]
    public async Task ClientUpdate_CurrentThenStale_IncrementsThenConflicts()
    {
        var practice = await NewPracticeAsync();
        var client = await NewClientAsync(practice, "Dana Reyes");

        var updated = await Clients.UpdateAsync(practice, client with { IsRestricted = true }, Ct);

        Assert.Equal(1, updated.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Clients.UpdateAsync(practice, client with { IsPart2 = true }, Ct));
        var stored = await Clients.GetAsync(practice, client.Id, Ct);
        Assert.True(stored!.IsRestricted);
        Assert.False(stored.IsPart2);
    }

    [EngineFact]
    public async Task ClientUpdate_ConcurrentWriters_ExactlyOneWins()
    {
        var practice = await NewPracticeAsync();
        var client = await NewClientAsync(practice, "Dana Reyes");

        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                var renamed = await Protector.ChangeAsync(client, Details($"Writer{i} Reyes"), Now, Ct);
                await Clients.UpdateAsync(practice, renamed, Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal(1, (await Clients.GetAsync(practice, client.Id, Ct))!.Version);
        Assert.Single(await SearchAsync(practice, "reyes"));
        Assert.Single(await SearchAsync(practice, "writer"));
    }

    [EngineFact]
    public async Task ClientSearch_WholeWordsAndPrefixes_FindOnlyMatchingClients()
    {
        var practice = await NewPracticeAsync();
        var dana = await NewClientAsync(practice, "Dana Reyes");
        var daniel = await NewClientAsync(practice, "Daniel Ortiz");
        var sam = await NewClientAsync(practice, "Sam Reynolds");

        Assert.Equal(ById(dana.Id, daniel.Id), await SearchIdsAsync(practice, "da"));
        Assert.Equal(ById(dana.Id, daniel.Id), await SearchIdsAsync(practice, "DAN"));
        Assert.Equal([dana.Id], await SearchIdsAsync(practice, "dana"));
        Assert.Equal(ById(dana.Id, sam.Id), await SearchIdsAsync(practice, "rey"));
        Assert.Equal([sam.Id], await SearchIdsAsync(practice, "reyn"));
        Assert.Empty(await SearchIdsAsync(practice, "danax"));
    }

    [EngineFact]
    public async Task ClientSearch_SeveralWords_NeedsAllOfThemInAnyOrder()
    {
        var practice = await NewPracticeAsync();
        var dana = await NewClientAsync(practice, "Dana Reyes");
        await NewClientAsync(practice, "Dana Ortiz");
        await NewClientAsync(practice, "Sam Reyes");

        Assert.Equal([dana.Id], await SearchIdsAsync(practice, "dana reyes"));
        Assert.Equal([dana.Id], await SearchIdsAsync(practice, "rey da"));
    }

    [EngineFact]
    public async Task ClientSearch_DiacriticsAndCase_AreFolded()
    {
        var practice = await NewPracticeAsync();
        var jose = await NewClientAsync(practice, "José Núñez");

        Assert.Equal([jose.Id], await SearchIdsAsync(practice, "JOSE nunez"));
        Assert.Equal([jose.Id], await SearchIdsAsync(practice, "Núñ"));
    }

    [EngineFact]
    public async Task ClientSearch_NoUsableWord_ReturnsNothing()
    {
        var practice = await NewPracticeAsync();
        await NewClientAsync(practice, "Dana Reyes");

        Assert.Empty(await SearchIdsAsync(practice, "d"));
        Assert.Empty(await Clients.SearchAsync(practice, [], includeArchived: true, 25, Ct));
    }

    [EngineFact]
    public async Task ClientSearch_Archived_ExcludedByDefaultIncludedWhenAsked()
    {
        var practice = await NewPracticeAsync();
        var active = await NewClientAsync(practice, "Dana Reyes");
        var archived = await NewClientAsync(practice, "Dana Ortiz");
        await Clients.UpdateAsync(practice, archived with { ArchivedAt = Now }, Ct);

        Assert.Equal([active.Id], await SearchIdsAsync(practice, "dana"));
        Assert.Equal(ById(active.Id, archived.Id), await SearchIdsAsync(practice, "dana", includeArchived: true));
    }

    [EngineFact]
    public async Task ClientSearch_Rename_OldNameNoLongerMatches()
    {
        var practice = await NewPracticeAsync();
        var client = await NewClientAsync(practice, "Dana Reyes");

        await Clients.UpdateAsync(practice, await Protector.ChangeAsync(client, Details("Dana Ortiz"), Now, Ct), Ct);

        Assert.Empty(await SearchIdsAsync(practice, "reyes"));
        Assert.Equal([client.Id], await SearchIdsAsync(practice, "ortiz dana"));
    }

    [EngineFact]
    public async Task ClientSearch_Limit_ReturnsTheOldestMatchesFirst()
    {
        var practice = await NewPracticeAsync();
        var all = new List<ClientId>();
        for (var i = 0; i < 5; i++)
        {
            all.Add((await NewClientAsync(practice, $"Alex Number{i}")).Id);
        }

        Assert.Equal(ById([.. all]).Take(3), await SearchIdsAsync(practice, "alex", limit: 3));
    }

    [EngineFact]
    public async Task ClientListCreatedBy_MixedCreators_ReturnsOnlyThatMembersClientsOfThisPracticeArchivedIncluded()
    {
        var practice = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var clinician = UserId.New();
        var mine = await Protector.CreateAsync(practice, ClientId.New(), Details("Dana Reyes"), clinician, Now, Ct);
        await Clients.AddAsync(practice, mine, Ct);
        var archived = await Protector.CreateAsync(practice, ClientId.New(), Details("Sam Lee"), clinician, Now, Ct);
        await Clients.AddAsync(practice, archived with { ArchivedAt = Now }, Ct);
        await NewClientAsync(practice, "Someone Else");
        var elsewhere = await Protector.CreateAsync(other, ClientId.New(), Details("Ari Cole"), clinician, Now, Ct);
        await Clients.AddAsync(other, elsewhere, Ct);

        var listed = await Clients.ListCreatedByAsync(practice, clinician, Ct);

        Assert.Equal(new[] { mine.Id, archived.Id }.Select(id => id.ToString()).Order(StringComparer.Ordinal), listed.Select(c => c.Id.ToString()).Order(StringComparer.Ordinal));
    }

    [EngineFact]
    public async Task ClientList_Pages_InCreationOrderWithoutArchived()
    {
        var practice = await NewPracticeAsync();
        var clients = new List<Client>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await NewClientAsync(practice, $"Client Number{i}"));
        }

        // Ids are version 7: creation order to the millisecond, then the id decides.
        clients = [.. clients.OrderBy(c => c.Id.ToString(), StringComparer.Ordinal)];

        await Clients.UpdateAsync(practice, clients[1] with { ArchivedAt = Now }, Ct);

        var first = await Clients.ListAsync(practice, after: null, includeArchived: false, limit: 2, Ct);
        var second = await Clients.ListAsync(practice, first[^1].Id, includeArchived: false, limit: 2, Ct);
        var everything = await Clients.ListAsync(practice, after: null, includeArchived: true, limit: 100, Ct);

        Assert.Equal([clients[0].Id, clients[2].Id], first.Select(c => c.Id));
        Assert.Equal([clients[3].Id, clients[4].Id], second.Select(c => c.Id));
        Assert.Equal(clients.Select(c => c.Id), everything.Select(c => c.Id));
    }

    [EngineFact]
    public async Task Client_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewClientAsync(other, "Dana Reyes");
        var theirTokens = await Indexer.QueryTokensAsync(other, "dana reyes", Ct);

        Assert.Null(await Clients.GetAsync(mine, theirs.Id, Ct));
        Assert.Empty(await Clients.ListAsync(mine, null, includeArchived: true, 100, Ct));
        Assert.Empty(await Clients.SearchAsync(mine, theirTokens, includeArchived: true, 25, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Clients.UpdateAsync(mine, theirs with { PracticeId = mine, IsRestricted = true }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Clients.UpdateAsync(mine, theirs with { IsRestricted = true }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Clients.AddAsync(mine, theirs with { Id = ClientId.New() }, Ct));

        Assert.Equivalent(theirs, await Clients.GetAsync(other, theirs.Id, Ct), strict: true);
        Assert.Equal([theirs.Id], (await Clients.SearchAsync(other, theirTokens, includeArchived: false, 25, Ct)).Select(c => c.Id));
    }

    [EngineFact]
    public async Task ClientSearch_IdenticalNameInAnotherPractice_NeverMatches()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var my = await NewClientAsync(mine, "Dana Reyes");
        var theirs = await NewClientAsync(other, "Dana Reyes");

        Assert.Empty(my.SearchTokens.Intersect(theirs.SearchTokens));
        Assert.Equal([my.Id], await SearchIdsAsync(mine, "dana reyes"));
        Assert.Equal([theirs.Id], await SearchIdsAsync(other, "da re"));
    }

    [EngineFact]
    public async Task ClientAdd_PracticeWithoutRecord_IsNotFound()
    {
        var practice = await NewPracticeAsync();
        var client = await NewClientAsync(practice, "Dana Reyes");
        var unknown = PracticeId.New();

        await Assert.ThrowsAsync<RecordNotFoundException>(() => Clients.AddAsync(unknown, client with { Id = ClientId.New(), PracticeId = unknown }, Ct));
    }

    private static IReadOnlyList<ClientId> ById(params ClientId[] ids) => [.. ids.OrderBy(id => id.ToString(), StringComparer.Ordinal)];

    private static ClientDetails Details(string name) => new(name, new DateOnly(1990, 4, 2));

    private async Task<IReadOnlyList<Client>> SearchAsync(PracticeId practice, string query, bool includeArchived = false, int limit = 25) =>
        await Clients.SearchAsync(practice, await Indexer.QueryTokensAsync(practice, query, Ct), includeArchived, limit, Ct);

    private async Task<IReadOnlyList<ClientId>> SearchIdsAsync(PracticeId practice, string query, bool includeArchived = false, int limit = 25) =>
        [.. (await SearchAsync(practice, query, includeArchived, limit)).Select(c => c.Id)];

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        await fixture.Get<IPracticeKeyService>().CreateAsync(practice.Id, Ct);
        return practice.Id;
    }

    private async Task<Client> NewClientAsync(PracticeId practiceId, string name)
    {
        var client = await Protector.CreateAsync(practiceId, ClientId.New(), Details(name), UserId.New(), Now, Ct);
        await Clients.AddAsync(practiceId, client, Ct);
        return client;
    }
}

public sealed class SqliteClientRepositoryContractTests(SqliteStorageFixture fixture)
    : ClientRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoClientRepositoryContractTests(MongoStorageFixture fixture)
    : ClientRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
