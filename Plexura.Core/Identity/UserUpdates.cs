using Plexura.Core.Common;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Optimistic updates of a user that reapply a change to a fresh copy on a conflict.</summary>
internal static class UserUpdates
{
    private const int MaxAttempts = 5;

    /// <summary>Applies <paramref name="change"/> to the user and stores it, re-reading and reapplying on a conflict.</summary>
    /// <remarks>For changes that are right whatever else changed meanwhile (counters, a new hash), so parallel requests cannot overwrite each other.</remarks>
    public static async Task<User> UpdateWithRetryAsync(IUserRepository users, User user, Func<User, User> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await users.UpdateAsync(change(user), ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                user = await users.GetAsync(user.Id, ct) ?? throw new RecordNotFoundException("user");
            }
        }
    }
}
