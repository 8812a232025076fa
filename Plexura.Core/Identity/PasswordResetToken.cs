using System.Buffers.Text;
using System.Security.Cryptography;

namespace Plexura.Core.Identity;

/// <summary>A new password-reset token: the value for the link, and the hash to store.</summary>
/// <param name="Value">32 random bytes, base64url: goes into the link only, never stored.</param>
/// <param name="Hash">SHA-256 of <see cref="Value"/>, base64url: the only form stored.</param>
/// <param name="ExpiresAt">When the link stops working.</param>
/// <remarks>
/// Short-lived (30 minutes) and single use: a reset link is a password for the account while it works, and it sits in
/// a mailbox. Stored hashed like the verification token, so reading the database does not give a working link.
/// </remarks>
public sealed record PasswordResetToken(string Value, string Hash, DateTimeOffset ExpiresAt)
{
    /// <summary>How long a reset link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>A fresh token from a CSPRNG, valid for <see cref="Lifetime"/> from <paramref name="now"/>.</summary>
    public static PasswordResetToken Create(DateTimeOffset now)
    {
        var value = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new PasswordResetToken(value, HashOf(value), now + Lifetime);
    }

    /// <summary>The stored form of a token value as it came back in a link.</summary>
    public static string HashOf(string value) => EmailVerificationToken.HashOf(value);
}
