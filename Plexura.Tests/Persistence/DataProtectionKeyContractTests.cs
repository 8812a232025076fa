using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Plexura.Infrastructure.Security.DataProtection;
using Plexura.Tests.Support;

namespace Plexura.Tests.Persistence;

/// <summary>The data protection key ring stored on every engine, sealed with the master key.</summary>
public abstract class DataProtectionKeyContractTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture
{
    private StoredXmlRepository Repository => fixture.Get<StoredXmlRepository>();

    [EngineFact]
    public void StoreElement_ThenGetAll_ReturnsIt()
    {
        var marker = Guid.NewGuid().ToString("N");

        Repository.StoreElement(new XElement("key", new XAttribute("id", marker)), $"key-{marker}");

        Assert.Contains(Repository.GetAllElements(), e => (string?)e.Attribute("id") == marker);
    }

    [EngineFact]
    public void Protect_WithTheStoredRing_RoundTripsAndKeepsOnlySealedKeyMaterial()
    {
        var protector = fixture.Get<IDataProtectionProvider>().CreateProtector("contract-test");

        var protectedValue = protector.Protect("hello");

        Assert.Equal("hello", protector.Unprotect(protectedValue));
        var keys = Repository.GetAllElements().Where(e => e.Name == "key").Select(e => e.ToString()).Where(x => x.Contains("descriptor", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        Assert.All(keys, xml => Assert.Contains(MasterKeyXmlEncryptor.ElementName, xml, StringComparison.Ordinal));
    }

    [EngineFact]
    public void Decrypt_AlteredSealedKey_Throws()
    {
        var sealedKey = fixture.Get<MasterKeyXmlEncryptor>().Encrypt(new XElement("secret", "value")).EncryptedElement;
        var bytes = Convert.FromBase64String(sealedKey.Value);
        bytes[^1] ^= 1;
        sealedKey.Value = Convert.ToBase64String(bytes);

        Assert.ThrowsAny<CryptographicException>(() => new MasterKeyXmlDecryptor(fixture.Services).Decrypt(sealedKey));
    }
}

public sealed class SqliteDataProtectionKeyContractTests(SqliteStorageFixture fixture)
    : DataProtectionKeyContractTests<SqliteStorageFixture>(fixture), IClassFixture<SqliteStorageFixture>;

[RequiresEnvironment(MongoStorageFixture.UriVariable)]
public sealed class MongoDataProtectionKeyContractTests(MongoStorageFixture fixture)
    : DataProtectionKeyContractTests<MongoStorageFixture>(fixture), IClassFixture<MongoStorageFixture>;
