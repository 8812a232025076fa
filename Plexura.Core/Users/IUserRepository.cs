using Plexura.Core.Common;

namespace Plexura.Core.Users;

/// <summary>Stores user accounts.</summary>
public interface IUserRepository
{
    /// <summary>Adds a user; fails with <see cref="DuplicateRecordException"/> when the email is taken.</summary>
    Task AddAsync(User user, CancellationToken ct);

    /// <summary>The user, or null.</summary>
    Task<User?> GetAsync(UserId userId, CancellationToken ct);

    /// <summary>The user with this email (normalized before lookup), or null.</summary>
    Task<User?> FindByEmailAsync(string email, CancellationToken ct);

    /// <summary>The user whose pending email-verification token has this SHA-256 hash (base64url), or null.</summary>
    Task<User?> FindByEmailVerificationTokenHashAsync(string tokenHash, CancellationToken ct);

    /// <summary>The user whose pending password-reset token has this SHA-256 hash (base64url), or null (also for an empty hash).</summary>
    Task<User?> FindByPasswordResetTokenHashAsync(string tokenHash, CancellationToken ct);

    /// <summary>Removes the user; fails when it is missing or stale.</summary>
    /// <remarks>Only for undoing a sign-up that could not be completed, before the account was ever usable.</remarks>
    Task DeleteAsync(UserId userId, long expectedVersion, CancellationToken ct);

    /// <summary>Replaces the user; fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<User> UpdateAsync(User user, CancellationToken ct);
}
