using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Locks an account for a while after repeated failed sign-ins (HIPAA 5.1).</summary>
/// <remarks>
/// Per account, not per address, so a password-guessing attack spread over many addresses is still slowed.
/// The fifth failure in a row locks for one minute, each further one doubles the lock up to one hour; a success
/// resets the count. A sign-in attempted while locked must be refused without checking the password and without
/// calling <see cref="RegisterFailure"/>, so a lock cannot be extended by hammering it and a locked account gives
/// no password oracle. The lock is stored on the user, so it holds across servers and restarts.
/// </remarks>
public sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Failures in a row that lock the account.</summary>
    public const int FailuresBeforeLock = 5;

    /// <summary>The first lock.</summary>
    public static readonly TimeSpan FirstLock = TimeSpan.FromMinutes(1);

    /// <summary>The longest lock.</summary>
    public static readonly TimeSpan MaxLock = TimeSpan.FromHours(1);

    /// <summary>How long the account is locked after <paramref name="failures"/> failures in a row, or null for not at all.</summary>
    public static TimeSpan? LockDuration(int failures)
    {
        if (failures < FailuresBeforeLock)
        {
            return null;
        }

        var doublings = Math.Min(failures - FailuresBeforeLock, 16);
        var duration = FirstLock * Math.Pow(2, doublings);
        return duration < MaxLock ? duration : MaxLock;
    }

    /// <summary>Whether the user is locked now.</summary>
    public bool IsLocked(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockedUntil is { } until && time.GetUtcNow() < until;
    }

    /// <summary>Until when the user is locked, or null when not locked now.</summary>
    public DateTimeOffset? LockedUntil(User user) => IsLocked(user) ? user.LockedUntil : null;

    /// <summary>The user after one more failed sign-in: the count goes up and a lock starts when due.</summary>
    public User RegisterFailure(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var failures = user.FailedSignIns + 1;
        var lockFor = LockDuration(failures);
        return user with
        {
            FailedSignIns = failures,
            LockedUntil = lockFor is { } d ? time.GetUtcNow() + d : user.LockedUntil,
        };
    }

    /// <summary>The user after a successful sign-in: no failures, no lock.</summary>
    public static User RegisterSuccess(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user with { FailedSignIns = 0, LockedUntil = null };
    }
}
