using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Clients;

/// <summary>The client codec and the blind index, with the real AES-GCM protector and per-practice keys.</summary>
public sealed class ClientProtectorTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly ClientDetails Dana = new("Dana Reyes", new DateOnly(1990, 4, 2), "she/her", "EHR-1234");

    private readonly SqliteStorageFixture _fixture = new();

    private ClientProtector Protector => _fixture.Get<ClientProtector>();

    private IClientSearchIndexer Indexer => _fixture.Get<IClientSearchIndexer>();

    private DateTimeOffset Now => _fixture.Time.GetUtcNow();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task CreateAsync_ThenRevealAsync_ReturnsTheValidatedDetails()
    {
        var practice = await NewPracticeAsync();
        var user = UserId.New();

        var client = await Protector.CreateAsync(practice, ClientId.New(), Dana with { Name = " Dana Reyes " }, user, Now, Ct);

        Assert.Equal(Dana, await Protector.RevealAsync(client, Ct));
        Assert.Equal((practice, user, Now, Now, 0L), (client.PracticeId, client.CreatedBy, client.CreatedAt, client.UpdatedAt, client.Version));
    }

    [Fact]
    public async Task CreateAsync_OptionalFieldsMissing_StoresNullsAndRevealsNulls()
    {
        var practice = await NewPracticeAsync();

        var client = await Protector.CreateAsync(practice, ClientId.New(), new ClientDetails("Sam Lee", new DateOnly(2001, 1, 1)), UserId.New(), Now, Ct);

        Assert.Null(client.ProtectedPronouns);
        Assert.Null(client.ProtectedExternalRecordNumber);
        Assert.Equal(new ClientDetails("Sam Lee", new DateOnly(2001, 1, 1)), await Protector.RevealAsync(client, Ct));
    }

    [Fact]
    public async Task CreateAsync_StoredRecord_ContainsNoPlaintext()
    {
        var practice = await NewPracticeAsync();

        var client = await Protector.CreateAsync(practice, ClientId.New(), Dana, UserId.New(), Now, Ct);
        var stored = System.Text.Json.JsonSerializer.Serialize(client);

        foreach (var secret in new[] { "Dana", "dana", "Reyes", "reyes", "1990-04-02", "she/her", "EHR-1234" })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }

        Assert.All(new[] { client.ProtectedName, client.ProtectedDateOfBirth, client.ProtectedPronouns!, client.ProtectedExternalRecordNumber! },
            c => Assert.StartsWith("phi1.", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevealAsync_CiphertextMovedToAnotherClientOrField_Fails()
    {
        var practice = await NewPracticeAsync();
        var first = await Protector.CreateAsync(practice, ClientId.New(), Dana, UserId.New(), Now, Ct);
        var second = await Protector.CreateAsync(practice, ClientId.New(), Dana with { Name = "Sam Lee" }, UserId.New(), Now, Ct);

        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.RevealAsync(second with { ProtectedName = first.ProtectedName }, Ct));
        await Assert.ThrowsAsync<PhiUnreadableException>(() => Protector.RevealAsync(first with { ProtectedPronouns = first.ProtectedName }, Ct));
    }

    [Fact]
    public async Task CreateAsync_InvalidDetails_ThrowsBeforeEncrypting()
    {
        var practice = await NewPracticeAsync();

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Protector.CreateAsync(practice, ClientId.New(), Dana with { DateOfBirth = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(1) }, UserId.New(), Now, Ct));

        Assert.DoesNotContain("Dana", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeAsync_NewName_ReencryptsReindexesAndKeepsVersion()
    {
        var practice = await NewPracticeAsync();
        var client = await Protector.CreateAsync(practice, ClientId.New(), Dana, UserId.New(), Now, Ct);
        _fixture.Time.Advance(TimeSpan.FromMinutes(5));

        var changed = await Protector.ChangeAsync(client, Dana with { Name = "Dana Ortiz" }, Now, Ct);

        Assert.Equal("Dana Ortiz", (await Protector.RevealAsync(changed, Ct)).Name);
        Assert.Equal(await Indexer.IndexTokensAsync(practice, "Dana Ortiz", Ct), changed.SearchTokens);
        Assert.Equal((client.Version, client.CreatedAt, Now), (changed.Version, changed.CreatedAt, changed.UpdatedAt));
    }

    [Fact]
    public async Task IndexTokensAsync_Name_GivesOneTokenPerTermOf16Base64UrlCharacters()
    {
        var practice = await NewPracticeAsync();

        var tokens = await Indexer.IndexTokensAsync(practice, "Dana Reyes", Ct);

        Assert.Equal(ClientSearchText.IndexTerms("Dana Reyes").Count, tokens.Count);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{16}$", t));
    }

    [Fact]
    public async Task QueryTokensAsync_FoldedPrefixAndWord_EqualTheIndexedTokens()
    {
        var practice = await NewPracticeAsync();
        var indexed = await Indexer.IndexTokensAsync(practice, "José Reyes", Ct);

        var query = await Indexer.QueryTokensAsync(practice, "JOSE rey", Ct);

        Assert.Equal(2, query.Count);
        Assert.All(query, t => Assert.Contains(t, indexed));
    }

    [Fact]
    public async Task QueryTokensAsync_OnlyOneLetter_IsEmpty()
    {
        var practice = await NewPracticeAsync();

        Assert.Empty(await Indexer.QueryTokensAsync(practice, " d ", Ct));
    }

    [Fact]
    public async Task IndexTokensAsync_SameNameInTwoPractices_SharesNoToken()
    {
        var first = await NewPracticeAsync();
        var second = await NewPracticeAsync();

        var a = await Indexer.IndexTokensAsync(first, "Dana Reyes", Ct);
        var b = await Indexer.IndexTokensAsync(second, "Dana Reyes", Ct);

        Assert.Empty(a.Intersect(b));
        Assert.Equal(a, await Indexer.IndexTokensAsync(first, "dana reyes", Ct));
    }

    [Fact]
    public async Task IndexTokensAsync_PracticeKeyDestroyed_Fails()
    {
        var practice = await NewPracticeAsync();
        await _fixture.Get<IPracticeKeyService>().DestroyAsync(practice, Ct);

        await Assert.ThrowsAsync<PhiUnreadableException>(() => Indexer.QueryTokensAsync(practice, "Dana", Ct).AsTask());
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = PracticeId.New();
        await _fixture.Get<IPracticeRepository>().AddAsync(practice, new Practice(practice, "P", Now), Ct);
        await _fixture.Get<IPracticeKeyService>().CreateAsync(practice, Ct);
        return practice;
    }
}
