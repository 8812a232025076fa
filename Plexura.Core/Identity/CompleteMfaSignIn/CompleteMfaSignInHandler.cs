using Microsoft.Extensions.Logging;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Memberships;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.CompleteMfaSignIn;

/// <summary>The second step of a sign-in: the challenge from <see cref="SignInResult.MfaRequired"/> and a code.</summary>
/// <param name="Challenge">The challenge the password step returned.</param>
/// <param name="Code">Six digits from the authenticator app, or one of the user's recovery codes.</param>
public sealed record CompleteMfaSignInCommand(string Challenge, string Code)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CompleteMfaSignInCommand)} {{ Challenge = ***, Code = *** }}";
}

/// <summary>Checks the second factor and, when it is right, opens the session exactly as a password-only sign-in does.</summary>
/// <remarks>
/// <para>
/// <b>Challenge.</b> Found through the user id it embeds and accepted only when its hash matches the one stored and it
/// has not expired; it is cleared when used, so it works once. An unknown, used or expired challenge answers
/// <see cref="SignInResult.ChallengeExpired"/> (sign in again), never an error. A wrong code leaves the challenge in
/// place so a mistyped code can be retyped until it expires; the lockout bounds how often.
/// </para>
/// <para>
/// <b>Codes.</b> A TOTP code whose 30-second step is at or before the last accepted one is refused, so a code seen over
/// a shoulder cannot be replayed. A recovery code is removed from the stored set when it is used. The winning update
/// is a plain optimistic write: two requests racing with one code cannot both succeed, the loser re-reads and finds the
/// challenge gone.
/// </para>
/// <para>
/// <b>Lockout.</b> Wrong codes count in the same <see cref="LoginThrottle"/> as wrong passwords; a locked account is
/// refused without checking the code, and its challenge is dropped.
/// </para>
/// </remarks>
public sealed class CompleteMfaSignInHandler(
    IUserRepository users,
    IMembershipRepository memberships,
    ITotpService totp,
    ISecretProtector protector,
    LoginThrottle throttle,
    SessionOpener opener,
    IAuditLog audit,
    TimeProvider time,
    ILogger<CompleteMfaSignInHandler> logger)
{
    private const int MaxAttempts = 3;
    private const int MaxCodeLength = 32;

    /// <summary>Completes the sign-in; never throws for a wrong code or a bad challenge.</summary>
    public async Task<SignInResult> HandleAsync(CompleteMfaSignInCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var challenge = (command.Challenge ?? string.Empty).Trim();
        var code = (command.Code ?? string.Empty).Trim();
        if (!MfaChallenge.TryReadUserId(challenge, out var userId))
        {
            await AccountAudit.RecordAsync(
                audit, [PracticeId.None], AuditActor.Anonymous, client, AuditAction.SignInFailed, AuditResult.Failed, "user", null, ct,
                ("reason", "mfa-challenge"));
            return new SignInResult.ChallengeExpired();
        }

        for (var attempt = 1; ; attempt++)
        {
            var user = await users.GetAsync(userId, ct);
            if (user is null || !MfaChallenge.Matches(challenge, user.MfaChallengeHash) || !user.HasMfa)
            {
                await AccountAudit.RecordAsync(
                    audit, [PracticeId.None], AuditActor.Anonymous, client, AuditAction.SignInFailed, AuditResult.Failed, "user", null, ct,
                    ("reason", "mfa-challenge"));
                return new SignInResult.ChallengeExpired();
            }

            var userMemberships = await memberships.ListForUserAsync(user.Id, ct);
            var chains = AuditChains.ForMemberships(userMemberships);
            var now = time.GetUtcNow();
            if (user.MfaChallengeExpiresAt is not { } expires || now >= expires)
            {
                await DropChallengeAsync(user, ct);
                await Failed(chains, user, ("reason", "mfa-challenge-expired"));
                return new SignInResult.ChallengeExpired();
            }

            if (throttle.LockedUntil(user) is { } lockedUntil)
            {
                await DropChallengeAsync(user, ct);
                await Failed(chains, user, ("reason", "locked"));
                return new SignInResult.LockedOut(lockedUntil);
            }

            var (accepted, factor, consumed) = Check(user, code);
            if (accepted is null)
            {
                var failed = await UserUpdates.UpdateWithRetryAsync(users, user, throttle.RegisterFailure, ct);
                await Failed(chains, user, ("reason", "mfa-code"));
                await AccountAudit.RecordLockIfStartedAsync(audit, chains, throttle, user, failed, client, "mfa-code", ct);
                return new SignInResult.InvalidCode();
            }

            User passed;
            try
            {
                passed = await users.UpdateAsync(accepted with { MfaChallengeHash = null, MfaChallengeExpiresAt = null }, ct);
            }
            catch (ConcurrencyConflictException)
            {
                if (attempt < MaxAttempts)
                {
                    continue;
                }

                // Still racing after several reads (another request keeps winning): refuse cleanly, never a 409/500.
                return new SignInResult.ChallengeExpired();
            }

            if (consumed)
            {
                logger.LogInformation("User {UserId} signed in with a recovery code; {Left} left.", passed.Id, passed.RecoveryCodes?.Hashes.Count ?? 0);
            }

            return await opener.OpenAsync(passed, userMemberships, client, null, factor, ct);
        }

        Task Failed(IReadOnlyList<PracticeId> chains, User user, params (string Key, string Value)[] details) =>
            AccountAudit.RecordAsync(
                audit, chains, new AuditActor(user.Id, user.Email), client, AuditAction.SignInFailed, AuditResult.Failed, "user", user.Id.ToString(), ct, details);
    }

    /// <summary>The user with the code's use recorded, or null when the code is wrong.</summary>
    private (User? Accepted, string Factor, bool RecoveryCodeUsed) Check(User user, string code)
    {
        if (code.Length is 0 or > MaxCodeLength)
        {
            return (null, "none", false);
        }

        var digits = code.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length == 6 && digits.All(char.IsAsciiDigit))
        {
            string secret;
            try
            {
                secret = TotpSecrets.Open(protector, user.Id, user.TotpSecret!);
            }
            catch (SecretUnreadableException ex)
            {
                // The stored secret cannot be opened (master key gone, value moved): only a recovery code can get in now.
                logger.LogError(ex, "The TOTP secret of user {UserId} cannot be decrypted.", user.Id);
                return (null, "totp", false);
            }

            var check = totp.Verify(secret, digits, user.TotpLastUsedStep);
            return check.IsValid ? (user with { TotpLastUsedStep = check.MatchedTimeStep }, "totp", false) : (null, "totp", false);
        }

        if (user.RecoveryCodes is { } stored && RecoveryCodes.TryConsume(stored, code, out var remaining))
        {
            return (user with { RecoveryCodes = remaining }, "recovery-code", true);
        }

        return (null, "recovery-code", false);
    }

    private async Task DropChallengeAsync(User user, CancellationToken ct)
    {
        try
        {
            await users.UpdateAsync(user with { MfaChallengeHash = null, MfaChallengeExpiresAt = null }, ct);
        }
        catch (ConcurrencyConflictException)
        {
            // Someone else changed the user meanwhile; the challenge is refused either way and expires by itself.
        }
    }
}
