using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Plexura.Core.Identity;

/// <summary>A new email-verification token: the value for the link, and the hash to store.</summary>
/// <param name="Value">32 random bytes, base64url: goes into the link only, never stored.</param>
/// <param name="Hash">SHA-256 of <see cref="Value"/>, base64url: the only form stored.</param>
/// <param name="ExpiresAt">When the link stops working.</param>
public sealed record EmailVerificationToken(string Value, string Hash, DateTimeOffset ExpiresAt)
{
    /// <summary>How long a verification link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>A fresh token from a CSPRNG, valid for <see cref="Lifetime"/> from <paramref name="now"/>.</summary>
    public static EmailVerificationToken Create(DateTimeOffset now)
    {
        var value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new EmailVerificationToken(value, HashOf(value), now + Lifetime);
    }

    /// <summary>The stored form of a token value as it came back in a link.</summary>
    public static string HashOf(string value) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value ?? string.Empty)));
}
