using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.SignIn;

/// <summary>Checks email and password, applies the lockout, and opens a session or asks for the second factor (HIPAA 5.1).</summary>
/// <remarks>
/// <para>
/// <b>No enumeration.</b> An unknown email runs <see cref="IPasswordHasher.DummyVerifyAsync"/> so it costs what a wrong
/// password costs, and both answer <see cref="SignInResult.Failed"/> with one message. A locked account answers
/// <see cref="SignInResult.LockedOut"/>, which does reveal that the account exists, but only after five wrong
/// passwords for it; telling the real owner why they cannot get in is worth that.
/// </para>
/// <para>
/// <b>Audit.</b> A failure for an unknown email goes to the <see cref="PracticeId.None"/> chain with no actor at all:
/// the typed email is not recorded, because people type passwords into the email field and the log is kept for six
/// years. A failure or success for a known account records the account's id and stored email on the chain of every
/// practice the user belongs to (see <see cref="AuditChains"/>). When a failure starts a lock, a separate
/// <see cref="AuditAction.AccountLocked"/> event is written besides the failure.
/// </para>
/// <para>
/// <b>Lockout.</b> A locked account is refused before the password is checked and without counting another failure
/// (see <see cref="LoginThrottle"/>). Counter updates retry on a concurrency conflict, reapplying the change to the
/// fresh copy, so parallel guesses cannot overwrite each other's counts.
/// </para>
/// <para>
/// <b>Second factor.</b> For a user with <see cref="User.HasMfa"/> the right password opens nothing: it answers
/// <see cref="SignInResult.MfaRequired"/> with a single-use challenge stored only as a hash. The failure count is not
/// reset at this point, only once the code is right, so knowing the password does not buy fresh code guesses.
/// </para>
/// <para>
/// <b>Session.</b> A successful sign-in ends in <see cref="SessionOpener"/>, shared with the second-factor step.
/// </para>
/// </remarks>
public sealed class SignInHandler(
    IUserRepository users,
    IMembershipRepository memberships,
    IPasswordHasher hasher,
    LoginThrottle throttle,
    SessionOpener opener,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Signs in; never throws for wrong credentials.</summary>
    /// <exception cref="ServiceBusyException">Too many password checks are queued; try again shortly.</exception>
    public async Task<SignInResult> HandleAsync(SignInCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var email = (command.Email ?? string.Empty).Trim();
        var password = command.Password ?? string.Empty;

        var user = email.Length is 0 or > User.MaxEmailLength ? null : await users.FindByEmailAsync(email, ct);
        if (user is null)
        {
            await hasher.DummyVerifyAsync(ct);
            await AccountAudit.RecordAsync(
                audit, [PracticeId.None], AuditActor.Anonymous, client, AuditAction.SignInFailed, AuditResult.Failed, "user", null, ct,
                ("reason", "unknown-account"));
            return new SignInResult.Failed();
        }

        var actor = new AuditActor(user.Id, user.Email);
        var userMemberships = await memberships.ListForUserAsync(user.Id, ct);
        var chains = AuditChains.ForMemberships(userMemberships);

        if (throttle.LockedUntil(user) is { } lockedUntil)
        {
            await Failed(("reason", "locked"));
            return new SignInResult.LockedOut(lockedUntil);
        }

        var verification = await hasher.VerifyAsync(password, user.PasswordHash, ct);

        // The check may have waited in the hashing queue while parallel guesses locked the account. Decide on the
        // fresh record: once locked, every answer is LockedOut whether this password was right or wrong, so guesses
        // already in flight when the lock started tell an attacker nothing.
        user = await users.GetAsync(user.Id, ct) ?? throw new RecordNotFoundException("user");
        if (throttle.LockedUntil(user) is { } lockedMeanwhile)
        {
            await Failed(("reason", "locked"));
            return new SignInResult.LockedOut(lockedMeanwhile);
        }

        if (!verification.Succeeded)
        {
            var failed = await UserUpdates.UpdateWithRetryAsync(users, user, throttle.RegisterFailure, ct);
            if (throttle.LockedUntil(failed) is { } until && failed.LockedUntil != user.LockedUntil)
            {
                await Failed(("reason", "wrong-password"), ("lockout", "started"), ("lockedUntil", until.ToString("O")));
                await AccountAudit.RecordLockIfStartedAsync(audit, chains, throttle, user, failed, client, "wrong-password", ct);
            }
            else
            {
                await Failed(("reason", "wrong-password"));
            }

            return new SignInResult.Failed();
        }

        var newHash = verification.NeedsRehash ? await hasher.HashAsync(password, ct) : null;
        if (user.HasMfa)
        {
            var challenge = MfaChallenge.Create(user.Id, time.GetUtcNow());
            await UserUpdates.UpdateWithRetryAsync(
                users,
                user,
                u => u with
                {
                    PasswordHash = newHash ?? u.PasswordHash,
                    MfaChallengeHash = challenge.Hash,
                    MfaChallengeExpiresAt = challenge.ExpiresAt,
                },
                ct);
            return new SignInResult.MfaRequired(challenge.Value);
        }

        return await opener.OpenAsync(
            user, userMemberships, client, newHash is null ? null : u => u with { PasswordHash = newHash }, "password", ct);

        Task Failed(params (string Key, string Value)[] details) =>
            AccountAudit.RecordAsync(audit, chains, actor, client, AuditAction.SignInFailed, AuditResult.Failed, "user", user.Id.ToString(), ct, details);
    }
}
