using System.Security.Cryptography;
using System.Text;

namespace Plexura.Core.Security;

/// <summary>The stored form of a user's recovery codes: a per-user salt and the SHA-256 of each unused code.</summary>
/// <param name="Salt">Random salt (base64), new with every generated set.</param>
/// <param name="Hashes">SHA-256 of salt and code (base64), one per unused code.</param>
public sealed record RecoveryCodeSet(string Salt, IReadOnlyList<string> Hashes);

/// <summary>A freshly generated set: the codes to show the user once, and what to store.</summary>
/// <param name="Codes">The plain codes, formatted <c>xxxxx-xxxxx</c>; shown once, never stored.</param>
/// <param name="Stored">The hashed form to store.</param>
public sealed record GeneratedRecoveryCodes(IReadOnlyList<string> Codes, RecoveryCodeSet Stored);

/// <summary>Single-use recovery codes for a user who lost their authenticator.</summary>
/// <remarks>
/// Each code is 10 characters from a 32-letter alphabet without look-alikes (no 0/O or 1/I): 50 bits of entropy
/// from a CSPRNG. At that entropy a fast salted SHA-256 is enough: a slow password hash protects low-entropy secrets
/// people choose, while guessing one of these from its hash needs about 2^49 tries per user (the salt stops one
/// precomputed table from serving every user). Matching compares every stored hash in constant time, so timing
/// does not reveal which code, or how much of one, matched.
/// </remarks>
public static class RecoveryCodes
{
    /// <summary>How many codes a set has.</summary>
    public const int Count = 10;

    private const int CodeLength = 10;
    /// <summary>32 letters, so each character carries exactly 5 bits; no 0/O or 1/I to misread.</summary>
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>Generates <see cref="Count"/> new codes and their stored form.</summary>
    public static GeneratedRecoveryCodes Generate()
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var codes = new List<string>(Count);
        var hashes = new List<string>(Count);
        while (codes.Count < Count)
        {
            var raw = new string(RandomNumberGenerator.GetItems(Alphabet.AsSpan(), CodeLength));
            var code = $"{raw[..5]}-{raw[5..]}";
            if (codes.Contains(code))
            {
                continue;
            }

            codes.Add(code);
            hashes.Add(Convert.ToBase64String(Hash(salt, raw)));
        }

        return new GeneratedRecoveryCodes(codes, new RecoveryCodeSet(Convert.ToBase64String(salt), hashes));
    }

    /// <summary>Matches <paramref name="code"/> against the unused codes and, on a match, removes it.</summary>
    /// <param name="stored">The user's stored set.</param>
    /// <param name="code">What the user typed; case, spaces and dashes are ignored.</param>
    /// <param name="remaining">The set without the used code (store it before signing in), or <paramref name="stored"/>.</param>
    public static bool TryConsume(RecoveryCodeSet stored, string code, out RecoveryCodeSet remaining)
    {
        ArgumentNullException.ThrowIfNull(stored);
        remaining = stored;
        var normalized = Normalize(code ?? string.Empty);
        if (normalized.Length != CodeLength)
        {
            return false;
        }

        var candidate = Hash(Convert.FromBase64String(stored.Salt), normalized);
        var match = -1;
        for (var i = 0; i < stored.Hashes.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, Convert.FromBase64String(stored.Hashes[i])))
            {
                match = i;
            }
        }

        if (match < 0)
        {
            return false;
        }

        remaining = stored with { Hashes = [.. stored.Hashes.Where((_, i) => i != match)] };
        return true;
    }

    private static string Normalize(string code)
    {
        var builder = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (c is not ('-' or ' '))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hash(byte[] salt, string normalizedCode) =>
        SHA256.HashData([.. salt, .. Encoding.ASCII.GetBytes(normalizedCode)]);
}
