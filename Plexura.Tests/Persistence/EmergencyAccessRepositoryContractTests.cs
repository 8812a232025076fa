using Plexura.Core.Access.Emergency;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The emergency access storage contract: every engine must pass exactly these tests.</summary>
public abstract class EmergencyAccessRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IEmergencyAccessRepository Accesses => fixture.Get<IEmergencyAccessRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task Add_ThenGet_ReturnsItWithVersionZero()
    {
        var practice = await NewPracticeAsync();
        var access = await NewAccessAsync(practice, UserId.New(), ClientId.New(), Now, Now.AddMinutes(60));

        var stored = await Accesses.GetAsync(practice, access.Id, Ct);

        Assert.Equal(access, stored);
        Assert.Equal(0, stored!.Version);
        Assert.False(stored.IsReviewed);
    }

    [EngineFact]
    public async Task FindActive_OnlyTheMembersUnexpiredAccessToThatClient_TheLatestFirst()
    {
        var practice = await NewPracticeAsync();
        var member = UserId.New();
        var client = ClientId.New();
        await NewAccessAsync(practice, member, client, Now.AddHours(-3), Now.AddHours(-2));
        var active = await NewAccessAsync(practice, member, client, Now.AddMinutes(-5), Now.AddMinutes(55));
        await NewAccessAsync(practice, UserId.New(), client, Now, Now.AddMinutes(60));
        await NewAccessAsync(practice, member, ClientId.New(), Now, Now.AddMinutes(60));

        Assert.Equal(active.Id, (await Accesses.FindActiveAsync(practice, member, client, Now, Ct))?.Id);
        Assert.Null(await Accesses.FindActiveAsync(practice, member, client, Now.AddMinutes(55), Ct));
        Assert.Null(await Accesses.FindActiveAsync(practice, member, ClientId.New(), Now, Ct));
    }

    [EngineFact]
    public async Task AnotherPractice_SeesNothing()
    {
        var practice = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var member = UserId.New();
        var client = ClientId.New();
        var access = await NewAccessAsync(practice, member, client, Now, Now.AddMinutes(60));

        Assert.Null(await Accesses.GetAsync(other, access.Id, Ct));
        Assert.Null(await Accesses.FindActiveAsync(other, member, client, Now, Ct));
        Assert.Empty(await Accesses.ListAsync(other, 100, Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => Accesses.UpdateAsync(other, access with { ReviewedAt = Now }, Ct));
        Assert.False((await Accesses.GetAsync(practice, access.Id, Ct))!.IsReviewed);
    }

    [EngineFact]
    public async Task List_NewestFirstAndLimited()
    {
        var practice = await NewPracticeAsync();
        var first = await NewAccessAsync(practice, UserId.New(), ClientId.New(), Now.AddHours(-2), Now.AddHours(-1));
        var second = await NewAccessAsync(practice, UserId.New(), ClientId.New(), Now.AddHours(-1), Now);
        var third = await NewAccessAsync(practice, UserId.New(), ClientId.New(), Now, Now.AddHours(1));

        Assert.Equal([third.Id, second.Id, first.Id], (await Accesses.ListAsync(practice, 10, Ct)).Select(a => a.Id));
        Assert.Equal([third.Id, second.Id], (await Accesses.ListAsync(practice, 2, Ct)).Select(a => a.Id));
    }

    [EngineFact]
    public async Task Update_Once_ThenAStaleCopyConflicts()
    {
        var practice = await NewPracticeAsync();
        var access = await NewAccessAsync(practice, UserId.New(), ClientId.New(), Now, Now.AddMinutes(60));
        var reviewer = UserId.New();

        var reviewed = await Accesses.UpdateAsync(practice, access with { ReviewedBy = reviewer, ReviewedAt = Now, ReviewNoteCiphertext = "sealed" }, Ct);

        Assert.Equal(1, reviewed.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Accesses.UpdateAsync(practice, access with { ReviewedBy = UserId.New(), ReviewedAt = Now }, Ct));
        var stored = await Accesses.GetAsync(practice, access.Id, Ct);
        Assert.Equal((reviewer, "sealed", true), (stored!.ReviewedBy, stored.ReviewNoteCiphertext, stored.IsReviewed));
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }

    private async Task<EmergencyAccess> NewAccessAsync(PracticeId practiceId, UserId member, ClientId clientId, DateTimeOffset declaredAt, DateTimeOffset expiresAt)
    {
        var access = new EmergencyAccess(EmergencyAccessId.New(), practiceId, clientId, member, declaredAt, expiresAt, "ciphertext");
        await Accesses.AddAsync(practiceId, access, Ct);
        return access;
    }
}

public sealed class SqliteEmergencyAccessRepositoryContractTests(SqliteStorageFixture fixture)
    : EmergencyAccessRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoEmergencyAccessRepositoryContractTests(MongoStorageFixture fixture)
    : EmergencyAccessRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
