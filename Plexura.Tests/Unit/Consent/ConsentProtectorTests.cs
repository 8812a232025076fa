using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Core.Practices;
using Plexura.Core.Security;
using Plexura.Tests.Persistence;

namespace Plexura.Tests.Unit.Consent;

/// <summary>Documenting and revoking consents: validation and encryption of their free text.</summary>
public sealed class ConsentProtectorTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly SqliteStorageFixture _fixture = new();

    private ConsentProtector Protector => _fixture.Get<ConsentProtector>();

    private DateTimeOffset Now => _fixture.Time.GetUtcNow();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task CreateAsync_Part2Disclosure_EncryptsRecipientPurposeAndNotes()
    {
        var practice = await NewPracticeAsync();
        var details = new ConsentDetails(ConsentKind.Part2Disclosure, ConsentMethod.Written, Now, Now.AddDays(90), "County Clinic", "Care coordination", "Signed form 12");

        var consent = await Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct);

        var stored = System.Text.Json.JsonSerializer.Serialize(consent);
        Assert.DoesNotContain("County", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("coordination", stored, StringComparison.Ordinal);
        Assert.Equal(new ConsentText("County Clinic", "Care coordination", "Signed form 12", null), await Protector.RevealAsync(consent, Ct));
        Assert.True(ConsentStatus.IsActive(consent, Now));
    }

    [Theory]
    [InlineData(null, "purpose", 90)]
    [InlineData("Clinic", null, 90)]
    [InlineData("Clinic", "purpose", null)]
    public async Task CreateAsync_Part2WithoutRecipientPurposeOrExpiry_Throws(string? recipient, string? purpose, int? expiresInDays)
    {
        var practice = await NewPracticeAsync();
        var details = new ConsentDetails(ConsentKind.Part2Disclosure, ConsentMethod.Written, Now, expiresInDays is { } d ? Now.AddDays(d) : null, recipient, purpose);

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct));
    }

    [Fact]
    public async Task CreateAsync_RecordingWithRecipient_Throws()
    {
        var practice = await NewPracticeAsync();
        var details = new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now, Recipient: "Someone");

        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct));
    }

    [Fact]
    public async Task CreateAsync_ExpiryNowOrPast_Throws()
    {
        var practice = await NewPracticeAsync();

        foreach (var expires in new[] { Now, Now.AddSeconds(-1) })
        {
            var details = new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now.AddDays(-1), expires);
            await Assert.ThrowsAsync<ValidationFailedException>(() =>
                Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct));
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(9999, 12, 31)]
    public async Task CreateAsync_ImplausibleEffectiveDate_ThrowsNamingTheDate(int year, int month, int day)
    {
        var practice = await NewPracticeAsync();
        var details = new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct));
        Assert.Contains("effective date", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ExpiryIn9999_Throws()
    {
        var practice = await NewPracticeAsync();
        var details = new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now, new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct));
        Assert.Contains("expiry", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Signed\u0000form")]
    [InlineData("Signed \u202Emrof")]
    [InlineData("Signed\u200Bform")]
    public async Task CreateAsync_NotesWithNulOrInvisibleCharacter_ThrowsNamingTheNotes(string notes)
    {
        var practice = await NewPracticeAsync();
        var details = new ConsentDetails(ConsentKind.Recording, ConsentMethod.Verbal, Now, Notes: notes);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Protector.CreateAsync(practice, ClientId.New(), ClientConsentId.New(), details, UserId.New(), Now, Ct));
        Assert.StartsWith("The notes contains invisible or control characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeAsync_ReasonWithNul_ThrowsAndLeavesItActive()
    {
        var practice = await NewPracticeAsync();
        var consent = await Protector.CreateAsync(
            practice, ClientId.New(), ClientConsentId.New(), new ConsentDetails(ConsentKind.AiProcessing, ConsentMethod.Electronic, Now), UserId.New(), Now, Ct);

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => Protector.RevokeAsync(consent, UserId.New(), "Withdrew\u0000", Now, Ct));

        Assert.StartsWith("The reason contains", ex.Message, StringComparison.Ordinal);
        Assert.False(consent.IsRevoked);
    }

    [Fact]
    public async Task RevokeAsync_Active_RecordsWhoWhenAndEncryptedReasonAndRefusesASecondTime()
    {
        var practice = await NewPracticeAsync();
        var consent = await Protector.CreateAsync(
            practice, ClientId.New(), ClientConsentId.New(), new ConsentDetails(ConsentKind.AiProcessing, ConsentMethod.Electronic, Now), UserId.New(), Now, Ct);
        var by = UserId.New();
        _fixture.Time.Advance(TimeSpan.FromDays(1));

        var revoked = await Protector.RevokeAsync(consent, by, "Client withdrew after session", Now, Ct);

        Assert.Equal((Now, by), (revoked.RevokedAt, revoked.RevokedBy));
        Assert.DoesNotContain("withdrew", revoked.ProtectedRevocationReason, StringComparison.Ordinal);
        Assert.Equal("Client withdrew after session", (await Protector.RevealAsync(revoked, Ct)).RevocationReason);
        Assert.False(ConsentStatus.IsActive(revoked, Now));
        await Assert.ThrowsAsync<ValidationFailedException>(() => Protector.RevokeAsync(revoked, by, null, Now, Ct));
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = PracticeId.New();
        await _fixture.Get<IPracticeRepository>().AddAsync(practice, new Practice(practice, "P", Now), Ct);
        await _fixture.Get<IPracticeKeyService>().CreateAsync(practice, Ct);
        return practice;
    }
}
