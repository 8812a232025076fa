using System.Text;
using Plexura.Core.Auditing.Signing;
using Plexura.Core.Common;
using Plexura.Core.Practices;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>Each practice's export signing key on each engine: made once, kept, verifiable offline, never another practice's.</summary>
public abstract class AuditSignerContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IAuditSigner Signer => fixture.Get<IAuditSigner>();

    [EngineFact]
    public async Task Sign_ThenVerifyWithThePublicKey_HoldsAndATamperedTextOrOtherKeyFails()
    {
        var practice = await NewPracticeAsync();
        var other = await NewPracticeAsync();
        var text = "sequence=42;hash=" + new string('a', 64);

        var signature = await Signer.SignAsync(practice, Encoding.UTF8.GetBytes(text), Ct);
        var key = await Signer.GetPublicKeyAsync(practice, Ct);
        var otherKey = await Signer.GetPublicKeyAsync(other, Ct);

        Assert.Equal(AuditSignatures.Algorithm, signature.Algorithm);
        Assert.Equal(key.KeyId, signature.KeyId);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.PublicKeyPem, StringComparison.Ordinal);
        Assert.True(AuditSignatures.Verify(key.PublicKeyPem, text, signature));
        Assert.False(AuditSignatures.Verify(key.PublicKeyPem, text + " ", signature));
        Assert.False(AuditSignatures.Verify(otherKey.PublicKeyPem, text, signature));
        Assert.False(AuditSignatures.Verify(key.PublicKeyPem, text, signature with { KeyId = otherKey.KeyId }));
        Assert.False(AuditSignatures.Verify("not a key", text, signature));
        Assert.False(AuditSignatures.Verify(key.PublicKeyPem, text, signature with { Value = "!!" }));
        Assert.NotEqual(key.KeyId, otherKey.KeyId);
    }

    [EngineFact]
    public async Task GetPublicKey_ConcurrentFirstUse_MakesOneKeyThatStays()
    {
        var practice = await NewPracticeAsync();

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Signer.GetPublicKeyAsync(practice, Ct)));

        Assert.Single(keys.Select(k => k.KeyId).Distinct());
        Assert.Equal(keys[0], await Signer.GetPublicKeyAsync(practice, Ct));
    }

    private async Task<PracticeId> NewPracticeAsync()
    {
        var practice = new Practice(PracticeId.New(), "Practice", fixture.Time.GetUtcNow());
        await fixture.Get<IPracticeRepository>().AddAsync(practice.Id, practice, Ct);
        return practice.Id;
    }
}

public sealed class SqliteAuditSignerContractTests(SqliteStorageFixture fixture)
    : AuditSignerContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoAuditSignerContractTests(MongoStorageFixture fixture)
    : AuditSignerContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
