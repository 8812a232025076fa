using Plexura.Core.Access;
using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Access;

/// <summary>The facts the access gate decides on, read from the stored clients and consents.</summary>
public sealed class StoredClientDirectoryTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2));

    private readonly SqliteStorageFixture _fixture = new();

    private DateTimeOffset Now => _fixture.Time.GetUtcNow();

    private IClientDirectory Directory => _fixture.Get<IClientDirectory>();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task GetFacts_StoredClient_ReportsCreatorAndFlagsAndOtherPracticeSeesNothing()
    {
        var practice = await NewPracticeAsync();
        var creator = UserId.New();
        var client = await AddClientAsync(practice, creator, c => c with { IsRestricted = true });

        var facts = await Directory.GetFactsAsync(practice, client.Id, Ct);
        var foreign = await Directory.GetFactsAsync(await NewPracticeAsync(), client.Id, Ct);

        Assert.Equal(new ClientAccessFacts(client.Id, creator, IsRestricted: true, IsPart2: false, HasActivePart2DisclosureConsent: false, IsArchived: false), facts);
        Assert.Null(foreign);
    }

    [Fact]
    public async Task GetFacts_Part2Client_HasADisclosureOnlyWhileOneIsActive()
    {
        var practice = await NewPracticeAsync();
        var client = await AddClientAsync(practice, UserId.New(), c => c with { IsPart2 = true });
        Assert.False((await Directory.GetFactsAsync(practice, client.Id, Ct))!.HasActivePart2DisclosureConsent);

        var consent = await _fixture.Get<ConsentProtector>().CreateAsync(
            practice, client.Id, ClientConsentId.New(),
            new ConsentDetails(ConsentKind.Part2Disclosure, ConsentMethod.Written, Now, Now.AddDays(30), "County clinic", "Care coordination"),
            UserId.New(), Now, Ct);
        await _fixture.Get<IClientConsentRepository>().AddAsync(practice, consent, Ct);
        var during = await Directory.GetFactsAsync(practice, client.Id, Ct);
        _fixture.Time.Advance(TimeSpan.FromDays(31));
        var after = await Directory.GetFactsAsync(practice, client.Id, Ct);

        Assert.True(during!.HasActivePart2DisclosureConsent);
        Assert.False(after!.HasActivePart2DisclosureConsent);
    }

    private async Task<Client> AddClientAsync(PracticeId practice, UserId creator, Func<Client, Client> flags)
    {
        var client = flags(await _fixture.Get<ClientProtector>().CreateAsync(practice, ClientId.New(), Dana, creator, Now, Ct));
        await _fixture.Get<IClientRepository>().AddAsync(practice, client, Ct);
        return client;
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = PracticeId.New();
        await _fixture.Get<IPracticeRepository>().AddAsync(practice, new Practice(practice, "P", Now), Ct);
        await _fixture.Get<IPracticeKeyService>().CreateAsync(practice, Ct);
        return practice;
    }
}
