using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.ChangePassword;

/// <summary>Change the signed-in user's password.</summary>
/// <param name="CurrentPassword">The password now, asked again.</param>
/// <param name="NewPassword">The new password.</param>
public sealed record ChangePasswordCommand(string CurrentPassword, string NewPassword)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ChangePasswordCommand)} {{ CurrentPassword = ***, NewPassword = *** }}";
}

/// <summary>What changing the password did.</summary>
/// <param name="OtherSessionsRevoked">How many other sessions of the user were ended.</param>
public sealed record ChangePasswordResult(int OtherSessionsRevoked);

/// <summary>Checks the current password, sets the new one, and ends every other session.</summary>
/// <remarks>
/// The current password is asked again and wrong ones count in the lockout (see <see cref="CurrentPassword"/>). The
/// new one must pass the <see cref="PasswordPolicy"/> and differ from the current one. Every other session is revoked,
/// so whoever might have known the old password is signed out everywhere else; the session making the change stays.
/// A notice goes to the account's address, so an owner whose session was taken over learns of the change.
/// </remarks>
public sealed class ChangePasswordHandler(
    ICurrentUser currentUser,
    ISessionRepository sessions,
    IUserRepository users,
    IMembershipRepository memberships,
    IPasswordHasher hasher,
    PasswordPolicy policy,
    LoginThrottle throttle,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time)
{
    /// <summary>Shown when the new password is the current one.</summary>
    public const string SamePasswordMessage = "Choose a new password that differs from your current one.";

    private const int MaxRevokeAttempts = 3;

    /// <summary>Changes the password; throws <see cref="ValidationFailedException"/> for a wrong current or refused new password.</summary>
    public async Task<ChangePasswordResult> HandleAsync(ChangePasswordCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, current) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var chains = await AuditChains.ForUserAsync(memberships, user.Id, ct);
        await CurrentPassword.RequireAsync(user, command.CurrentPassword, hasher, throttle, users, audit, chains, client, AuditAction.PasswordChanged, ct);

        var password = command.NewPassword ?? string.Empty;
        if (string.Equals(password, command.CurrentPassword, StringComparison.Ordinal))
        {
            throw new ValidationFailedException(SamePasswordMessage);
        }

        var check = policy.Check(password, user.Email, user.DisplayName);
        if (!check.IsValid)
        {
            throw new ValidationFailedException(check.Message!);
        }

        var newHash = await hasher.HashAsync(password, ct);
        var now = time.GetUtcNow();
        var changed = await UserUpdates.UpdateWithRetryAsync(
            users,
            user,
            u => u with { PasswordHash = newHash, PasswordChangedAt = now, PasswordResetTokenHash = null, PasswordResetExpiresAt = null },
            ct);

        var revoked = 0;
        foreach (var session in await sessions.ListActiveForUserAsync(changed.Id, now, ct))
        {
            if (session.Id != current.Id && await RevokeAsync(session, now, ct))
            {
                revoked++;
            }
        }

        await AccountAudit.RecordAsync(
            audit, chains, new AuditActor(changed.Id, changed.Email), client, AuditAction.PasswordChanged, AuditResult.Success, "user",
            changed.Id.ToString(), ct, ("sessionsRevoked", revoked.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await PasswordNotices.SendChangedAsync(email, changed, app.Value, now, ct);
        return new ChangePasswordResult(revoked);
    }

    /// <summary>Revokes one session, re-reading it when it was touched meanwhile; true when this call ended it.</summary>
    private async Task<bool> RevokeAsync(UserSession session, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await sessions.RevokeAsync(session, SessionRevocationReason.PasswordReset, now, ct);
                return result.RevokedAt == now && result.RevokedReason == SessionRevocationReason.PasswordReset;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxRevokeAttempts)
            {
                session = await sessions.GetAsync(session.Id, ct) ?? throw new RecordNotFoundException("session");
                if (session.RevokedAt is not null)
                {
                    return false;
                }
            }
        }
    }
}
