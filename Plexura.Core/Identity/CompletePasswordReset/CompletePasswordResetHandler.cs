using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.CompletePasswordReset;

/// <summary>Choose a new password with the token from a reset link.</summary>
/// <param name="Token">The <c>token</c> value of the link.</param>
/// <param name="NewPassword">The new password.</param>
public sealed record CompletePasswordResetCommand(string Token, string NewPassword)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CompletePasswordResetCommand)} {{ Token = ***, NewPassword = *** }}";
}

/// <summary>Sets a new password when the reset token is known, unused and not expired, and ends every session.</summary>
/// <remarks>
/// <para>
/// The token is looked up by its SHA-256 hash and cleared in the same write that sets the password, an optimistic
/// update: two uses of one link cannot both succeed. An unknown and a used link get one refusal, an expired link its
/// own, so the person knows to ask again; a password the policy refuses leaves the link usable.
/// </para>
/// <para>
/// A reset is what someone does who fears their password is known: the lockout is cleared (the owner proved control
/// of the mailbox), every session of the user is revoked, and a notice goes to the address so an owner who did not ask
/// learns of it. The second factor stays: a reset link from a mailbox does not bypass it at the next sign-in.
/// </para>
/// </remarks>
public sealed class CompletePasswordResetHandler(
    IUserRepository users,
    IMembershipRepository memberships,
    ISessionRepository sessions,
    IPasswordHasher hasher,
    PasswordPolicy policy,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time)
{
    /// <summary>Shown for an unknown or already used link.</summary>
    public const string InvalidMessage = "This reset link is not valid or has already been used. Request a new one.";

    /// <summary>Shown for an expired link.</summary>
    public const string ExpiredMessage = "This reset link has expired. Request a new one.";

    private const int MaxAttempts = 3;
    private const int MaxTokenLength = 256;

    /// <summary>Why the link cannot be used (<see cref="InvalidMessage"/> or <see cref="ExpiredMessage"/>), or null when it can.</summary>
    /// <remarks>
    /// Lets the reset page say a link is dead before asking for a password. Read-only and not audited: the token is
    /// 32 random bytes, the page is rate-limited, and the attempt that matters, the submission, is audited.
    /// </remarks>
    public async Task<string?> ProblemWithLinkAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > MaxTokenLength)
        {
            return InvalidMessage;
        }

        var user = await users.FindByPasswordResetTokenHashAsync(PasswordResetToken.HashOf(token.Trim()), ct);
        if (user is null)
        {
            return InvalidMessage;
        }

        return user.PasswordResetExpiresAt is not { } expires || time.GetUtcNow() >= expires ? ExpiredMessage : null;
    }

    /// <summary>Resets the password; throws <see cref="ValidationFailedException"/> for a bad link or a refused password.</summary>
    public async Task HandleAsync(CompletePasswordResetCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var hash = string.IsNullOrWhiteSpace(command.Token) || command.Token.Length > MaxTokenLength
            ? string.Empty
            : PasswordResetToken.HashOf(command.Token.Trim());
        var password = command.NewPassword ?? string.Empty;
        string? newHash = null;

        for (var attempt = 1; ; attempt++)
        {
            var user = await users.FindByPasswordResetTokenHashAsync(hash, ct);
            if (user is null)
            {
                await AccountAudit.RecordAsync(
                    audit, [PracticeId.None], AuditActor.Anonymous, client, AuditAction.PasswordReset, AuditResult.Failed, "user", null, ct,
                    ("step", "completed"), ("reason", "invalid-token"));
                throw new ValidationFailedException(InvalidMessage);
            }

            var chains = await AuditChains.ForUserAsync(memberships, user.Id, ct);
            var actor = new AuditActor(user.Id, user.Email);
            var now = time.GetUtcNow();
            if (user.PasswordResetExpiresAt is not { } expires || now >= expires)
            {
                await AccountAudit.RecordAsync(
                    audit, chains, actor, client, AuditAction.PasswordReset, AuditResult.Failed, "user", user.Id.ToString(), ct,
                    ("step", "completed"), ("reason", "expired-token"));
                throw new ValidationFailedException(ExpiredMessage);
            }

            var check = policy.Check(password, user.Email, user.DisplayName);
            if (!check.IsValid)
            {
                throw new ValidationFailedException(check.Message!);
            }

            newHash ??= await hasher.HashAsync(password, ct);
            User reset;
            try
            {
                reset = await users.UpdateAsync(
                    user with
                    {
                        PasswordHash = newHash,
                        PasswordResetTokenHash = null,
                        PasswordResetExpiresAt = null,
                        PasswordChangedAt = now,
                        FailedSignIns = 0,
                        LockedUntil = null,
                        MfaChallengeHash = null,
                        MfaChallengeExpiresAt = null,
                    },
                    ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Someone else changed the user (a sign-in counter, the same link); read again: the token may be used now.
                continue;
            }

            var revoked = await sessions.RevokeAllForUserAsync(reset.Id, SessionRevocationReason.PasswordReset, now, ct);
            await AccountAudit.RecordAsync(
                audit, chains, actor, client, AuditAction.PasswordReset, AuditResult.Success, "user", reset.Id.ToString(), ct,
                ("step", "completed"), ("sessionsRevoked", revoked.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await PasswordNotices.SendChangedAsync(email, reset, app.Value, now, ct);
            return;
        }
    }
}
