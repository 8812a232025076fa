using Plexura.Core.Common;

namespace Plexura.Core.Users;

/// <summary>A person's account. Unique by normalized email across the whole system.</summary>
[GlobalRecord("A person signs in once and may be a member of several practices; practice data hangs off memberships.")]
public sealed record User(
    UserId Id,
    string Email,
    string DisplayName,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EmailVerifiedAt = null,
    long Version = 0) : IVersioned
{
    /// <summary>Longest accepted email address (RFC 5321 path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>The canonical form of an email used for uniqueness and lookup.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
