using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Plexura.Infrastructure.Security.DataProtection;

/// <summary>Seals the secret part of a data protection key with AES-256-GCM under a key derived from the master key.</summary>
/// <remarks>
/// Whoever reads the database (a backup, a stolen file) must not be able to forge antiforgery tokens or read circuit
/// state, so the key material is stored only sealed, like practice data keys. The derived key is HKDF of the master
/// key with its own purpose, never the master key itself; the master key id is stored beside the ciphertext and bound
/// in the associated data, so after a master-key rotation old keys still open with the previous master key (kept in
/// <c>PreviousMasterKeys</c>) while new keys are sealed with the current one.
/// </remarks>
internal sealed class MasterKeyXmlEncryptor(MasterKeyRing masterKeys) : IXmlEncryptor
{
    internal const string ElementName = "plexuraSealedKey";
    internal const string MasterKeyIdAttribute = "masterKeyId";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var keyId = masterKeys.CurrentId;
        var key = masterKeys.DeriveKey(keyId, MasterKeyXmlDecryptor.Info);
        var clear = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var sealedValue = AesGcmBox.Seal(key, clear, MasterKeyXmlDecryptor.Aad(keyId));
            var element = new XElement(ElementName, new XAttribute(MasterKeyIdAttribute, keyId), Convert.ToBase64String(sealedValue));
            return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}

/// <summary>Opens what <see cref="MasterKeyXmlEncryptor"/> sealed.</summary>
/// <remarks>
/// Data protection creates decryptors itself from the type name stored in the key XML, passing the service provider,
/// hence the constructor shape. A value altered in the database or sealed under an unknown master key fails to open,
/// and data protection then treats that key as unusable rather than trusting it.
/// </remarks>
internal sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    internal const string Info = "plexura-dataprotection|v1";

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var keyId = (string?)encryptedElement.Attribute(MasterKeyXmlEncryptor.MasterKeyIdAttribute)
            ?? throw new CryptographicException("The sealed data protection key names no master key.");
        var masterKeys = services.GetRequiredService<MasterKeyRing>();
        var key = masterKeys.DeriveKey(keyId, Info);
        byte[] clear;
        try
        {
            clear = AesGcmBox.Open(key, Convert.FromBase64String(encryptedElement.Value), Aad(keyId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(clear));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    internal static byte[] Aad(string masterKeyId) => Encoding.UTF8.GetBytes($"{Info}|{masterKeyId}");
}
