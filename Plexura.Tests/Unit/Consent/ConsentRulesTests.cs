using Microsoft.Extensions.Time.Testing;
using Plexura.Core.Common;
using Plexura.Core.Consent;

namespace Plexura.Tests.Unit.Consent;

/// <summary>When a consent applies, and what a client's consents allow.</summary>
public sealed class ConsentRulesTests
{
    private static readonly PracticeId Practice = PracticeId.New();
    private static readonly ClientId Client = ClientId.New();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void IsActive_BeforeEffectiveFrom_IsFalseThenTrueAtIt()
    {
        var consent = Consent(ConsentKind.Recording, effectiveFrom: Now.AddHours(1));

        Assert.False(ConsentStatus.IsActive(consent, Now));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(ConsentStatus.IsActive(consent, Now));
    }

    [Fact]
    public void IsActive_AtTheExpiryInstant_IsFalse()
    {
        var consent = Consent(ConsentKind.Recording, expiresAt: Now.AddDays(30));
        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromTicks(1));

        Assert.True(ConsentStatus.IsActive(consent, Now));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(ConsentStatus.IsActive(consent, Now));
    }

    [Fact]
    public void IsActive_NoExpiry_StaysActive()
    {
        var consent = Consent(ConsentKind.AiProcessing);
        _time.Advance(TimeSpan.FromDays(3650));

        Assert.True(ConsentStatus.IsActive(consent, Now));
    }

    [Fact]
    public void IsActive_Revoked_IsFalseFromTheRevocationOnButTrueBefore()
    {
        var recordedAt = Now;
        _time.Advance(TimeSpan.FromDays(2));
        var consent = Consent(ConsentKind.Recording, effectiveFrom: recordedAt) with { RevokedAt = Now, RevokedBy = UserId.New() };

        Assert.False(ConsentStatus.IsActive(consent, Now));
        Assert.True(ConsentStatus.IsActive(consent, recordedAt.AddDays(1)));
    }

    [Fact]
    public void IsActive_Part2WithoutExpiry_IsFalse() =>
        Assert.False(ConsentStatus.IsActive(Consent(ConsentKind.Part2Disclosure), Now));

    [Fact]
    public void CanStartRecording_RecordingAndAiProcessingActive_IsTrue() =>
        Assert.True(ConsentRules.CanStartRecording([Consent(ConsentKind.Recording), Consent(ConsentKind.AiProcessing)], Now));

    [Fact]
    public void CanStartRecording_OnlyOneOfTheTwo_IsFalse()
    {
        Assert.False(ConsentRules.CanStartRecording([Consent(ConsentKind.Recording)], Now));
        Assert.False(ConsentRules.CanStartRecording([Consent(ConsentKind.AiProcessing)], Now));
        Assert.False(ConsentRules.CanStartRecording([], Now));
    }

    [Fact]
    public void CanStartRecording_AiProcessingRevoked_IsFalse()
    {
        var revoked = Consent(ConsentKind.AiProcessing) with { RevokedAt = Now, RevokedBy = UserId.New() };

        Assert.False(ConsentRules.CanStartRecording([Consent(ConsentKind.Recording), revoked], Now));
    }

    [Fact]
    public void CanStartRecording_RecordingExpired_IsFalseAtTheExpiryInstant()
    {
        var consents = new[] { Consent(ConsentKind.Recording, expiresAt: Now.AddDays(1)), Consent(ConsentKind.AiProcessing) };

        Assert.True(ConsentRules.CanStartRecording(consents, Now));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(ConsentRules.CanStartRecording(consents, Now));
    }

    [Fact]
    public void CanStartRecording_ExpiredOneAndRenewedOne_IsTrue()
    {
        var old = Consent(ConsentKind.Recording, expiresAt: Now.AddDays(1));
        _time.Advance(TimeSpan.FromDays(2));

        Assert.True(ConsentRules.CanStartRecording([old, Consent(ConsentKind.Recording), Consent(ConsentKind.AiProcessing)], Now));
    }

    [Fact]
    public void CanStartRecording_ConsentsOfTwoClients_Throws()
    {
        var another = Consent(ConsentKind.AiProcessing) with { ClientId = ClientId.New() };

        Assert.Throws<ArgumentException>(() => ConsentRules.CanStartRecording([Consent(ConsentKind.Recording), another], Now));
    }

    [Fact]
    public void MissingForRecording_NoConsents_NamesRecordingThenAiProcessing() =>
        Assert.Equal([ConsentKind.Recording, ConsentKind.AiProcessing], ConsentRules.MissingForRecording([], Now));

    [Fact]
    public void MissingForRecording_OnlyRecordingActive_NamesAiProcessing() =>
        Assert.Equal([ConsentKind.AiProcessing], ConsentRules.MissingForRecording([Consent(ConsentKind.Recording)], Now));

    [Fact]
    public void MissingForRecording_RecordingRevokedAndPart2Active_NamesBoth()
    {
        var revoked = Consent(ConsentKind.Recording) with { RevokedAt = Now, RevokedBy = UserId.New() };

        var missing = ConsentRules.MissingForRecording([revoked, Consent(ConsentKind.Part2Disclosure, expiresAt: Now.AddDays(30))], Now);

        Assert.Equal([ConsentKind.Recording, ConsentKind.AiProcessing], missing);
    }

    [Fact]
    public void MissingForRecording_BothActive_IsEmpty() =>
        Assert.Empty(ConsentRules.MissingForRecording([Consent(ConsentKind.AiProcessing), Consent(ConsentKind.Recording)], Now));

    [Fact]
    public void MissingForRecording_ConsentsOfTwoClients_Throws()
    {
        var another = Consent(ConsentKind.AiProcessing) with { ClientId = ClientId.New() };

        Assert.Throws<ArgumentException>(() => ConsentRules.MissingForRecording([Consent(ConsentKind.Recording), another], Now));
    }

    [Fact]
    public void ActiveForRecording_MixedConsents_ReturnsOnlyActiveRecordingAndAiConsentsOldestFirst()
    {
        var ai = Consent(ConsentKind.AiProcessing, effectiveFrom: Now.AddDays(-2));
        var recording = Consent(ConsentKind.Recording, effectiveFrom: Now.AddDays(-1));
        var expired = Consent(ConsentKind.Recording, effectiveFrom: Now.AddDays(-30), expiresAt: Now.AddDays(-3));
        var revoked = Consent(ConsentKind.AiProcessing) with { RevokedAt = Now, RevokedBy = UserId.New() };
        var later = Consent(ConsentKind.Recording, effectiveFrom: Now.AddDays(1));
        var disclosure = Consent(ConsentKind.Part2Disclosure, expiresAt: Now.AddDays(30));

        var result = ConsentRules.ActiveForRecording([recording, expired, revoked, later, disclosure, ai], Now);

        Assert.Equal([ai, recording], result);
    }

    [Fact]
    public void ActiveDisclosures_MixedConsents_ReturnsOnlyActivePart2Disclosures()
    {
        var active = Consent(ConsentKind.Part2Disclosure, expiresAt: Now.AddDays(90));
        var expired = Consent(ConsentKind.Part2Disclosure, effectiveFrom: Now.AddDays(-30), expiresAt: Now.AddDays(-1));
        var revoked = Consent(ConsentKind.Part2Disclosure, expiresAt: Now.AddDays(90)) with { RevokedAt = Now, RevokedBy = UserId.New() };

        var result = ConsentRules.ActiveDisclosures([Consent(ConsentKind.Recording), active, expired, revoked], Now);

        Assert.Equal([active], result);
    }

    private ClientConsent Consent(ConsentKind kind, DateTimeOffset? effectiveFrom = null, DateTimeOffset? expiresAt = null) =>
        new(ClientConsentId.New(), Practice, Client, kind, ConsentMethod.Written, UserId.New(), Now, effectiveFrom ?? Now, expiresAt);
}
