using Plexura.Core.Common;

namespace Plexura.Core.Users;

/// <summary>A person's account. Unique by normalized email across the whole system.</summary>
/// <remarks>
/// <see cref="FailedSignIns"/> and <see cref="LockedUntil"/> (see <c>Identity.LoginThrottle</c>) come after
/// <see cref="Version"/> and have defaults, so documents stored before they existed still read; so do
/// <see cref="EmailVerificationTokenHash"/> and <see cref="EmailVerificationExpiresAt"/>.
/// <para>
/// The email-verification token is stored only as its SHA-256 hash: someone who reads the database cannot verify an
/// address they do not control. A plain hash (not bcrypt) is enough because the token is 32 random bytes, not a
/// password a person chose.
/// </para>
/// </remarks>
[GlobalRecord("A person signs in once and may be a member of several practices; practice data hangs off memberships.")]
public sealed record User(
    UserId Id,
    string Email,
    string DisplayName,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EmailVerifiedAt = null,
    long Version = 0,
    int FailedSignIns = 0,
    DateTimeOffset? LockedUntil = null,
    string? EmailVerificationTokenHash = null,
    DateTimeOffset? EmailVerificationExpiresAt = null) : IVersioned
{
    /// <summary>Longest accepted email address (RFC 5321 path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>The canonical form of an email used for uniqueness and lookup.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
