using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The consent storage contract: every engine must pass exactly these tests.</summary>
public abstract class ClientConsentRepositoryContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IClientConsentRepository Consents => fixture.Get<IClientConsentRepository>();

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [EngineFact]
    public async Task ConsentAdd_ThenGet_ReturnsItWithVersionZero()
    {
        var practice = await NewPracticeAsync();
        var consent = await NewConsentAsync(practice, ClientId.New(), ConsentKind.Part2Disclosure);

        var loaded = await Consents.GetAsync(practice, consent.Id, Ct);

        Assert.Equal(consent, loaded);
        Assert.Equal(0, loaded!.Version);
        Assert.Equal("County Clinic", (await fixture.Get<ConsentProtector>().RevealAsync(loaded, Ct)).Recipient);
    }

    [EngineFact]
    public async Task ConsentAdd_SameIdTwice_ThrowsDuplicate()
    {
        var practice = await NewPracticeAsync();
        var consent = await NewConsentAsync(practice, ClientId.New(), ConsentKind.Recording);

        await Assert.ThrowsAsync<DuplicateRecordException>(() => Consents.AddAsync(practice, consent, Ct));
    }

    [EngineFact]
    public async Task ConsentGet_Unknown_ReturnsNull()
    {
        var practice = await NewPracticeAsync();

        Assert.Null(await Consents.GetAsync(practice, ClientConsentId.New(), Ct));
    }

    [EngineFact]
    public async Task ConsentListForClient_TwoClients_ReturnsOnlyThatClientsOldestFirst()
    {
        var practice = await NewPracticeAsync();
        var client = ClientId.New();
        var recording = await NewConsentAsync(practice, client, ConsentKind.Recording);
        var ai = await NewConsentAsync(practice, client, ConsentKind.AiProcessing);
        await NewConsentAsync(practice, ClientId.New(), ConsentKind.Recording);

        var listed = await Consents.ListForClientAsync(practice, client, Ct);

        Assert.Equal(new[] { recording, ai }.OrderBy(c => c.Id.ToString(), StringComparer.Ordinal), listed);
        Assert.True(ConsentRules.CanStartRecording(listed, Now));
    }

    [EngineFact]
    public async Task ConsentAny_OnlyAnotherPracticeHasOne_FalseUntilOwnIsAdded()
    {
        var practice = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        await NewConsentAsync(other, ClientId.New(), ConsentKind.Recording);

        var before = await Consents.AnyAsync(practice, Ct);
        await NewConsentAsync(practice, ClientId.New(), ConsentKind.AiProcessing);

        Assert.False(before);
        Assert.True(await Consents.AnyAsync(practice, Ct));
    }

    [EngineFact]
    public async Task ConsentUpdate_RevokeThenStale_IncrementsThenConflicts()
    {
        var practice = await NewPracticeAsync();
        var consent = await NewConsentAsync(practice, ClientId.New(), ConsentKind.AiProcessing);
        var revoked = await fixture.Get<ConsentProtector>().RevokeAsync(consent, UserId.New(), "withdrawn", Now, Ct);

        var updated = await Consents.UpdateAsync(practice, revoked, Ct);

        Assert.Equal(1, updated.Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Consents.UpdateAsync(practice, consent with { Method = ConsentMethod.Verbal }, Ct));
        Assert.Equal(revoked with { Version = 1 }, await Consents.GetAsync(practice, consent.Id, Ct));
    }

    [EngineFact]
    public async Task Consent_EveryMethodFromAnotherPractice_IsNotFound()
    {
        var mine = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var theirs = await NewConsentAsync(other, ClientId.New(), ConsentKind.Recording);

        Assert.Null(await Consents.GetAsync(mine, theirs.Id, Ct));
        Assert.Empty(await Consents.ListForClientAsync(mine, theirs.ClientId, Ct));
        await Assert.ThrowsAsync<RecordNotFoundException>(() => Consents.UpdateAsync(mine, theirs with { PracticeId = mine, RevokedAt = Now }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Consents.UpdateAsync(mine, theirs with { RevokedAt = Now }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Consents.AddAsync(mine, theirs with { Id = ClientConsentId.New() }, Ct));

        Assert.Equal(theirs, await Consents.GetAsync(other, theirs.Id, Ct));
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", Now);
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        await fixture.Get<IPracticeKeyService>().CreateAsync(practice.Id, Ct);
        return practice.Id;
    }

    private async Task<ClientConsent> NewConsentAsync(PracticeId practiceId, ClientId clientId, ConsentKind kind)
    {
        var details = kind == ConsentKind.Part2Disclosure
            ? new ConsentDetails(kind, ConsentMethod.Written, Now, Now.AddDays(90), "County Clinic", "Care coordination")
            : new ConsentDetails(kind, ConsentMethod.Verbal, Now);
        var consent = await fixture.Get<ConsentProtector>().CreateAsync(practiceId, clientId, ClientConsentId.New(), details, UserId.New(), Now, Ct);
        await Consents.AddAsync(practiceId, consent, Ct);
        return consent;
    }
}

public sealed class SqliteClientConsentRepositoryContractTests(SqliteStorageFixture fixture)
    : ClientConsentRepositoryContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoClientConsentRepositoryContractTests(MongoStorageFixture fixture)
    : ClientConsentRepositoryContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
