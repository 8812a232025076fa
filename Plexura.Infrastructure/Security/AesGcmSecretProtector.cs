using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Security;

namespace Plexura.Infrastructure.Security;

/// <summary>AES-256-GCM encryption of credentials with keys derived by HKDF from the master key.</summary>
/// <remarks>
/// Format: <c>sec1.</c> + master key id + <c>.</c> + base64(nonce ‖ ciphertext ‖ tag). The master key id travels with
/// the value, so after a master-key rotation old values still decrypt with the previous key (kept in
/// <c>PreviousMasterKeys</c>) until they are re-protected. Each purpose has its own derived key, and the associated
/// data binds the purpose, the subject and the master key id: a value moved to another user, purpose or key id fails.
/// </remarks>
internal sealed class AesGcmSecretProtector(MasterKeyRing masterKeys) : ISecretProtector
{
    private const string Prefix = "sec1.";
    private const int MinimumSealedLength = 28;

    public string Protect(string purpose, string subjectId, string plaintext)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectId);
        ArgumentNullException.ThrowIfNull(plaintext);
        var keyId = masterKeys.CurrentId;
        var key = masterKeys.DeriveKey(keyId, Info(purpose));
        var clear = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return $"{Prefix}{keyId}.{Convert.ToBase64String(AesGcmBox.Seal(key, clear, Aad(purpose, subjectId, keyId)))}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public string Unprotect(string purpose, string subjectId, string protectedValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectId);
        ArgumentNullException.ThrowIfNull(protectedValue);
        var separator = protectedValue.LastIndexOf('.');
        if (!protectedValue.StartsWith(Prefix, StringComparison.Ordinal) || separator <= Prefix.Length)
        {
            throw new SecretUnreadableException("The value is not a protected secret.");
        }

        var keyId = protectedValue[Prefix.Length..separator];
        var input = new byte[protectedValue.Length];
        if (!Convert.TryFromBase64String(protectedValue[(separator + 1)..], input, out var written) || written < MinimumSealedLength)
        {
            throw new SecretUnreadableException("The protected secret is malformed.");
        }

        byte[] key;
        try
        {
            key = masterKeys.DeriveKey(keyId, Info(purpose));
        }
        catch (CryptographicException)
        {
            throw new SecretUnreadableException("The protected secret's master key is not configured.");
        }

        byte[] clear;
        try
        {
            clear = AesGcmBox.Open(key, input.AsSpan(0, written), Aad(purpose, subjectId, keyId));
        }
        catch (CryptographicException)
        {
            throw new SecretUnreadableException("The protected secret fails authentication: it was altered or belongs elsewhere.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            return Encoding.UTF8.GetString(clear);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    private static string Info(string purpose) => $"plexura-secret|v1|{purpose}";

    private static byte[] Aad(string purpose, string subjectId, string masterKeyId) =>
        Encoding.UTF8.GetBytes($"plexura-secret|v1|{purpose}|{subjectId}|{masterKeyId}");
}
