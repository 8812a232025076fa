using System.Security.Cryptography;

namespace Plexura.Infrastructure.Security;

/// <summary>The one AES-256-GCM layout used for every sealed value: nonce ‖ ciphertext ‖ tag.</summary>
/// <remarks>A fresh random 96-bit nonce per value and a 128-bit tag; callers bind context through the associated data.</remarks>
internal static class AesGcmBox
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts and authenticates <paramref name="plaintext"/> with <paramref name="aad"/>.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), aad);
        return output;
    }

    /// <summary>Decrypts a sealed value; <see cref="CryptographicException"/> when it is malformed, altered or bound elsewhere.</summary>
    /// <remarks>The caller should zero the returned plaintext once done with it.</remarks>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> aad)
    {
        var length = sealedValue.Length - NonceSize - TagSize;
        if (length < 0)
        {
            throw new CryptographicException("The sealed value is malformed.");
        }

        var clear = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedValue[..NonceSize], sealedValue.Slice(NonceSize, length), sealedValue[(NonceSize + length)..], clear, aad);
            return clear;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(clear);
            throw;
        }
    }
}
