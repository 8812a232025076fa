using Plexura.Core.Common;
using Plexura.Core.Security;

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
/// <para>
/// Second factor: <see cref="TotpSecret"/> is the authenticator secret sealed by <c>ISecretProtector</c> (never the
/// plain base32), set once enrollment is confirmed, together with <see cref="MfaEnabledAt"/>;
/// <see cref="TotpLastUsedStep"/> refuses a replayed code and <see cref="RecoveryCodes"/> holds only hashes.
/// <see cref="PasswordResetTokenHash"/> is stored hashed like the verification token, and so is
/// <see cref="MfaChallengeHash"/>, the pending second-factor step of a sign-in whose password was right.
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
    DateTimeOffset? EmailVerificationExpiresAt = null,
    string? TotpSecret = null,
    DateTimeOffset? MfaEnabledAt = null,
    long? TotpLastUsedStep = null,
    RecoveryCodeSet? RecoveryCodes = null,
    string? PasswordResetTokenHash = null,
    DateTimeOffset? PasswordResetExpiresAt = null,
    DateTimeOffset? PasswordChangedAt = null,
    DateTimeOffset? LastSignInAt = null,
    string? MfaChallengeHash = null,
    DateTimeOffset? MfaChallengeExpiresAt = null) : IVersioned
{
    /// <summary>Longest accepted email address (RFC 5321 path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>The canonical form of an email used for uniqueness and lookup.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Whether the user has confirmed an authenticator (TOTP) as a second factor.</summary>
    public bool HasMfa => MfaEnabledAt is not null && TotpSecret is not null;

    /// <summary>Whether the user has proved they own their email address.</summary>
    public bool IsEmailVerified => EmailVerifiedAt is not null;
}
