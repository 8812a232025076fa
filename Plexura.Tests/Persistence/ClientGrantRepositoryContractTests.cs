using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The client grant storage contract: every engine must pass exactly these tests.</summary>
public abstract class ClientGrantRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IClientGrantRepository Grants => fixture.Get<IClientGrantRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task GrantAdd_ThenGetFindAndList_ReturnsItWithVersionZero()
    {
        var practice = await NewPracticeAsync();
        var grant = await NewGrantAsync(practice);

        Assert.Equal(grant, await Grants.GetAsync(practice, grant.Id, Ct));
        Assert.Equal(grant, await Grants.FindAsync(practice, grant.MembershipId, grant.ClientId, Ct));
        Assert.Equal([grant], await Grants.ListForMemberAsync(practice, grant.MembershipId, Ct));
        Assert.Equal([grant], await Grants.ListForClientAsync(practice, grant.ClientId, Ct));
        Assert.Equal(0, grant.Version);
    }

    [EngineFact]
    public async Task GrantList_SeveralMembersAndClients_FiltersByMemberAndByClient()
    {
        var practice = await NewPracticeAsync();
        var member = MembershipId.New();
        var client = ClientId.New();
        var a = await NewGrantAsync(practice, member, client);
        var b = await NewGrantAsync(practice, member, ClientId.New());
        var c = await NewGrantAsync(practice, MembershipId.New(), client);

        Assert.Equal(new[] { a.Id.Value, b.Id.Value }.Order(), (await Grants.ListForMemberAsync(practice, member, Ct)).Select(g => g.Id.Value).Order());
        Assert.Equal(new[] { a.Id.Value, c.Id.Value }.Order(), (await Grants.ListForClientAsync(practice, client, Ct)).Select(g => g.Id.Value).Order());
        Assert.Null(await Grants.FindAsync(practice, c.MembershipId, b.ClientId, Ct));
    }

    [EngineFact]
    public async Task GrantAdd_SameMemberAndClientTwice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var grant = await NewGrantAsync(practice);

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Grants.AddAsync(practice, grant with { Id = ClientGrantId.New() }, Ct));
        await Assert.ThrowsAsync<DuplicateRecordException>(() => Grants.AddAsync(practice, grant with { ClientId = ClientId.New() }, Ct));
    }

    [EngineFact]
    public async Task GrantAdd_SameMemberAndClientInTwoPractices_BothStored()
    {
        var first = await NewPracticeAsync();
        var second = await NewPracticeAsync();
        var grant = await NewGrantAsync(first);

        await Grants.AddAsync(second, grant with { Id = ClientGrantId.New(), PracticeId = second }, Ct);

        Assert.Single(await Grants.ListForClientAsync(second, grant.ClientId, Ct));
    }

    [EngineFact]
    public async Task GrantUpdate_CurrentThenStale_IncrementsThenConflicts()
    {
        var practice = await NewPracticeAsync();
        var grant = await NewGrantAsync(practice);

        var updated = await Grants.UpdateAsync(practice, grant with { CanExport = true }, Ct);

        Assert.Equal(1, updated.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Grants.UpdateAsync(practice, grant with { CanPush = true }, Ct));
        var stored = await Grants.GetAsync(practice, grant.Id, Ct);
        Assert.True(stored!.CanExport);
        Assert.False(stored.CanPush);
    }

    [EngineFact]
    public async Task GrantDelete_StaleThenCurrent_ConflictsThenRemovesAndFreesTheKey()
    {
        var practice = await NewPracticeAsync();
        var grant = await NewGrantAsync(practice);
        await Grants.UpdateAsync(practice, grant with { CanEdit = false }, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Grants.DeleteAsync(practice, grant.Id, 0, Ct));
        await Grants.DeleteAsync(practice, grant.Id, 1, Ct);

        Assert.Null(await Grants.GetAsync(practice, grant.Id, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Grants.DeleteAsync(practice, grant.Id, 1, Ct));
        await Grants.AddAsync(practice, grant with { Id = ClientGrantId.New() }, Ct);
    }

    [EngineFact]
    public async Task GrantUpdate_ConcurrentWriters_ExactlyOneWins()
    {
        var practice = await NewPracticeAsync();
        var grant = await NewGrantAsync(practice);

        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Grants.UpdateAsync(practice, grant with { CanExport = i % 2 == 0 }, Ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal(1, (await Grants.GetAsync(practice, grant.Id, Ct))!.Version);
    }

    [EngineFact]
    public async Task GrantAdd_ConcurrentSameMemberAndClient_ExactlyOneStored()
    {
        var practice = await NewPracticeAsync();
        var member = MembershipId.New();
        var client = ClientId.New();

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Grants.AddAsync(practice, NewGrant(practice, member, client), Ct);
                return true;
            }
            catch (DuplicateRecordException)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Single(await Grants.ListForClientAsync(practice, client, Ct));
    }

    [EngineFact]
    public async Task Grant_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewGrantAsync(other);

        Assert.Null(await Grants.GetAsync(mine, theirs.Id, Ct));
        Assert.Null(await Grants.FindAsync(mine, theirs.MembershipId, theirs.ClientId, Ct));
        Assert.Empty(await Grants.ListForMemberAsync(mine, theirs.MembershipId, Ct));
        Assert.Empty(await Grants.ListForClientAsync(mine, theirs.ClientId, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Grants.UpdateAsync(mine, theirs with { PracticeId = mine, CanExport = true }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Grants.UpdateAsync(mine, theirs with { CanExport = true }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Grants.AddAsync(mine, theirs with { Id = ClientGrantId.New() }, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Grants.DeleteAsync(mine, theirs.Id, theirs.Version, Ct));

        Assert.Equal(theirs, await Grants.GetAsync(other, theirs.Id, Ct));
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }

    private ClientGrant NewGrant(PracticeId practiceId, MembershipId membershipId, ClientId clientId) =>
        new(ClientGrantId.New(), practiceId, membershipId, clientId, true, true, false, false, UserId.New(), Now);

    private async Task<ClientGrant> NewGrantAsync(PracticeId practiceId, MembershipId? membershipId = null, ClientId? clientId = null)
    {
        var grant = NewGrant(practiceId, membershipId ?? MembershipId.New(), clientId ?? ClientId.New());
        await Grants.AddAsync(practiceId, grant, Ct);
        return grant;
    }
}

public sealed class SqliteClientGrantRepositoryContractTests(SqliteStorageFixture fixture)
    : ClientGrantRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoClientGrantRepositoryContractTests(MongoStorageFixture fixture)
    : ClientGrantRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
