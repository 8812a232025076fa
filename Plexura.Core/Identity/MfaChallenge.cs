using System.Buffers.Text;
using System.Security.Cryptography;
using Plexura.Core.Common;

namespace Plexura.Core.Identity;

/// <summary>The pending second step of a sign-in: an opaque single-use token issued once the password was right.</summary>
/// <param name="Value">The user id, a dot and 32 random bytes (base64url): handed to the client, never stored.</param>
/// <param name="Hash">SHA-256 of <see cref="Value"/> (base64url): the only form stored, on the user.</param>
/// <param name="ExpiresAt">When the challenge stops working.</param>
/// <remarks>
/// The user id in the value only says where to look (so no index is needed); the random part is what proves the
/// password step passed, and it is compared by hash in constant time. Five minutes is enough to open an authenticator
/// app and short enough that a challenge left on a shared screen soon dies; a new sign-in replaces it.
/// </remarks>
public sealed record MfaChallenge(string Value, string Hash, DateTimeOffset ExpiresAt)
{
    /// <summary>How long a challenge works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Longest value accepted back from a client.</summary>
    public const int MaxLength = 128;

    /// <summary>A fresh challenge for <paramref name="userId"/>, valid for <see cref="Lifetime"/> from <paramref name="now"/>.</summary>
    public static MfaChallenge Create(UserId userId, DateTimeOffset now)
    {
        var value = $"{userId}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return new MfaChallenge(value, HashOf(value), now + Lifetime);
    }

    /// <summary>The stored form of a challenge value.</summary>
    public static string HashOf(string value) => EmailVerificationToken.HashOf(value);

    /// <summary>The user a challenge value names, when it is well formed.</summary>
    public static bool TryReadUserId(string? value, out UserId userId)
    {
        userId = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < value.Length - 1 && UserId.TryParse(value[..dot], null, out userId);
    }

    /// <summary>Whether <paramref name="value"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string value, string? storedHash) =>
        storedHash is not null
        && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(HashOf(value)),
            System.Text.Encoding.ASCII.GetBytes(storedHash));
}
