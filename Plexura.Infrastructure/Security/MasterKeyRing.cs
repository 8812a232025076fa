using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Plexura.Core.Common;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Security;

/// <summary>The master keys that wrap practice data keys: the current one and those still being rotated out.</summary>
/// <remarks>
/// Master keys never encrypt PHI directly; they only wrap data keys. Rotating the master key therefore re-wraps a
/// few hundred bytes per practice instead of re-encrypting every record.
/// </remarks>
internal sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public MasterKeyRing(IOptions<SecurityOptions> options)
    {
        var value = options.Value;
        CurrentId = value.MasterKeyId;
        _keys[CurrentId] = Convert.FromBase64String(value.MasterKey!.Trim());
        foreach (var (id, key) in value.PreviousMasterKeys)
        {
            _keys.TryAdd(id, Convert.FromBase64String(key.Trim()));
        }
    }

    /// <summary>The id of the master key new data keys are wrapped with.</summary>
    public string CurrentId { get; }

    /// <summary>Wraps a data key with the current master key, bound to its practice.</summary>
    public string Wrap(PracticeId practiceId, ReadOnlySpan<byte> dataKey) =>
        Convert.ToBase64String(AesGcmBox.Seal(_keys[CurrentId], dataKey, Aad(practiceId, CurrentId)));

    /// <summary>Unwraps a data key; fails when the master key is unknown or the wrapped key was tampered with or moved.</summary>
    public byte[] Unwrap(PracticeId practiceId, string masterKeyId, string wrapped)
    {
        if (!_keys.TryGetValue(masterKeyId, out var master))
        {
            throw new CryptographicException($"Master key '{masterKeyId}' is not configured.");
        }

        return AesGcmBox.Open(master, Convert.FromBase64String(wrapped), Aad(practiceId, masterKeyId));
    }

    /// <summary>A 256-bit key derived (HKDF-SHA256) from the master key <paramref name="masterKeyId"/> for one use.</summary>
    /// <remarks>
    /// Derived keys let the master key protect small secrets (TOTP seeds) without ever using the master key itself
    /// as a cipher key; <paramref name="info"/> separates the uses, so keys for different purposes are unrelated.
    /// </remarks>
    public byte[] DeriveKey(string masterKeyId, string info)
    {
        if (!_keys.TryGetValue(masterKeyId, out var master))
        {
            throw new CryptographicException($"Master key '{masterKeyId}' is not configured.");
        }

        return HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, salt: [], info: Encoding.UTF8.GetBytes(info));
    }

    private static byte[] Aad(PracticeId practiceId, string masterKeyId) =>
        Encoding.UTF8.GetBytes($"plexura-dek|v1|{practiceId}|{masterKeyId}");
}
