using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Users;

namespace Plexura.Core.Identity;

/// <summary>Re-checks the signed-in user's password before a sensitive account change.</summary>
/// <remarks>
/// A session alone (an unlocked laptop, a stolen token) must not be enough to remove the second factor or change the
/// password. Wrong passwords here count in the same lockout as sign-in failures, so a session cannot be used as an
/// unthrottled password oracle; a locked account is refused without checking the password.
/// </remarks>
internal static class CurrentPassword
{
    /// <summary>Shown for a wrong current password.</summary>
    public const string WrongMessage = "Your current password is not correct.";

    /// <summary>Shown while the account is locked.</summary>
    public const string LockedMessage = "Too many wrong passwords. Try again later.";

    /// <summary>Throws <see cref="ValidationFailedException"/> unless <paramref name="password"/> is the user's password.</summary>
    public static async Task RequireAsync(
        User user,
        string? password,
        IPasswordHasher hasher,
        LoginThrottle throttle,
        IUserRepository users,
        IAuditLog audit,
        IReadOnlyList<PracticeId> chains,
        ClientInfo client,
        AuditAction action,
        CancellationToken ct)
    {
        var actor = new AuditActor(user.Id, user.Email);
        if (throttle.IsLocked(user))
        {
            await AccountAudit.RecordAsync(audit, chains, actor, client, action, AuditResult.Failed, "user", user.Id.ToString(), ct, ("reason", "locked"));
            throw new ValidationFailedException(LockedMessage);
        }

        var verification = await hasher.VerifyAsync(password ?? string.Empty, user.PasswordHash, ct);
        if (verification.Succeeded)
        {
            return;
        }

        var failed = await UserUpdates.UpdateWithRetryAsync(users, user, throttle.RegisterFailure, ct);
        await AccountAudit.RecordAsync(audit, chains, actor, client, action, AuditResult.Failed, "user", user.Id.ToString(), ct, ("reason", "wrong-password"));
        await AccountAudit.RecordLockIfStartedAsync(audit, chains, throttle, user, failed, client, "wrong-password", ct);
        throw new ValidationFailedException(WrongMessage);
    }
}
