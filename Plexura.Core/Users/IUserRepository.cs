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

    /// <summary>Replaces the user; fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<User> UpdateAsync(User user, CancellationToken ct);
}
