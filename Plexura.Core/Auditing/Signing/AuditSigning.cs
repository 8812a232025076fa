using System.Security.Cryptography;
using System.Text;
using Plexura.Core.Common;

namespace Plexura.Core.Auditing.Signing;

/// <summary>
/// Signs what the compliance center hands out (export manifests, chain checkpoints) with the practice's own export
/// signing key, so an auditor can check them offline with nothing but the public key.
/// </summary>
/// <remarks>
/// One ECDSA P-256 key per practice, created on first use; the private key never leaves the server unencrypted. The
/// key signs hashes and sequence numbers, never PHI, and survives the practice's crypto-shredding (it is protected
/// with the master key, not the practice's data key), so old exports stay verifiable.
/// </remarks>
public interface IAuditSigner
{
    /// <summary>Signs <paramref name="data"/> with the practice's key (ECDSA P-256 over SHA-256, IEEE P1363 r||s).</summary>
    Task<AuditSignature> SignAsync(PracticeId practiceId, ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>The practice's public key, created with its private key on first use.</summary>
    Task<AuditPublicKey> GetPublicKeyAsync(PracticeId practiceId, CancellationToken ct);
}

/// <summary>A practice's export signing public key.</summary>
/// <param name="KeyId">The first 16 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo: a short name to compare.</param>
/// <param name="PublicKeyPem">The key as a PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as shown on the compliance pages.</param>
public sealed record AuditPublicKey(string KeyId, string PublicKeyPem);

/// <summary>A signature made by <see cref="IAuditSigner"/>.</summary>
/// <param name="KeyId">The signing key's id.</param>
/// <param name="Algorithm">Always <see cref="AuditSignatures.Algorithm"/>.</param>
/// <param name="Value">The signature, base64 (IEEE P1363: r || s, 64 bytes).</param>
public sealed record AuditSignature(string KeyId, string Algorithm, string Value);

/// <summary>Checks signatures made by <see cref="IAuditSigner"/>, with the public key alone (offline).</summary>
public static class AuditSignatures
{
    /// <summary>The algorithm name written into manifests and checkpoints (JOSE's name for ECDSA P-256 with SHA-256).</summary>
    public const string Algorithm = "ES256";

    /// <summary>The key id of a SubjectPublicKeyInfo: the first 16 hex digits of its SHA-256.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="data"/> by <paramref name="publicKeyPem"/>.</summary>
    /// <remarks>False (never an exception) for a malformed key or signature, a wrong algorithm or a key id that does not match the key.</remarks>
    public static bool Verify(string publicKeyPem, ReadOnlySpan<byte> data, AuditSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (string.IsNullOrEmpty(publicKeyPem) || !string.Equals(signature.Algorithm, Algorithm, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(publicKeyPem);
            if (key.KeySize != 256
                || !string.Equals(KeyIdOf(key.ExportSubjectPublicKeyInfo()), signature.KeyId, StringComparison.Ordinal))
            {
                return false;
            }

            var bytes = Convert.FromBase64String(signature.Value);
            return key.VerifyData(data, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Verifies a signature over UTF-8 text.</summary>
    public static bool Verify(string publicKeyPem, string text, AuditSignature signature) =>
        Verify(publicKeyPem, Encoding.UTF8.GetBytes(text), signature);
}
