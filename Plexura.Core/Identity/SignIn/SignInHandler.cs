using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.SignIn;

/// <summary>Checks email and password, applies the lockout, and opens a session (HIPAA 5.1).</summary>
/// <remarks>
/// <para>
/// <b>No enumeration.</b> An unknown email runs <see cref="IPasswordHasher.DummyVerify"/> so it costs what a wrong
/// password costs, and both answer <see cref="SignInResult.Failed"/> with one message. A locked account answers
/// <see cref="SignInResult.LockedOut"/>, which does reveal that the account exists, but only after five wrong
/// passwords for it; telling the real owner why they cannot get in is worth that.
/// </para>
/// <para>
/// <b>Audit.</b> A failure for an unknown email goes to the <see cref="PracticeId.None"/> chain with no actor at all:
/// the typed email is not recorded, because people type passwords into the email field and the log is kept for six
/// years. A failure or success for a known account records the account's id and stored email on the chain of every
/// practice the user belongs to (see <see cref="AuditChains"/>).
/// </para>
/// <para>
/// <b>Lockout.</b> A locked account is refused before the password is checked and without counting another failure
/// (see <see cref="LoginThrottle"/>). Counter updates retry on a concurrency conflict, reapplying the change to the
/// fresh copy, so parallel guesses cannot overwrite each other's counts.
/// </para>
/// <para>
/// <b>Session.</b> A successful sign-in creates a server-side session (two hours, never extended) and a token naming
/// it. When the user belongs to exactly one practice the session enters it; otherwise the caller lets the user
/// choose from <see cref="SignInResult.Success.Memberships"/>.
/// </para>
/// </remarks>
public sealed class SignInHandler(
    IUserRepository users,
    IMembershipRepository memberships,
    ISessionRepository sessions,
    IPasswordHasher hasher,
    LoginThrottle throttle,
    ITokenService tokens,
    IAuditLog audit,
    TimeProvider time)
{
    private const int MaxAttempts = 5;

    /// <summary>Signs in; never throws for wrong credentials.</summary>
    public async Task<SignInResult> HandleAsync(SignInCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var email = (command.Email ?? string.Empty).Trim();
        var password = command.Password ?? string.Empty;

        var user = email.Length is 0 or > User.MaxEmailLength ? null : await users.FindByEmailAsync(email, ct);
        if (user is null)
        {
            hasher.DummyVerify();
            await AuditAsync([PracticeId.None], AuditActor.Anonymous, client, AuditAction.SignInFailed, AuditResult.Failed, null, ("reason", "unknown-account"));
            return new SignInResult.Failed();
        }

        var actor = new AuditActor(user.Id, user.Email);
        var userMemberships = await memberships.ListForUserAsync(user.Id, ct);
        var chains = AuditChains.ForMemberships(userMemberships);

        if (throttle.LockedUntil(user) is { } lockedUntil)
        {
            await AuditAsync(chains, actor, client, AuditAction.SignInFailed, AuditResult.Failed, user.Id, ("reason", "locked"));
            return new SignInResult.LockedOut(lockedUntil);
        }

        var verification = hasher.Verify(password, user.PasswordHash);
        if (!verification.Succeeded)
        {
            var failed = await UpdateWithRetryAsync(user, throttle.RegisterFailure, ct);
            var lockStarted = throttle.LockedUntil(failed) is { } until && failed.LockedUntil != user.LockedUntil;
            if (lockStarted)
            {
                await AuditAsync(chains, actor, client, AuditAction.SignInFailed, AuditResult.Failed, user.Id,
                    ("reason", "wrong-password"), ("lockout", "started"), ("lockedUntil", failed.LockedUntil!.Value.ToString("O")));
            }
            else
            {
                await AuditAsync(chains, actor, client, AuditAction.SignInFailed, AuditResult.Failed, user.Id, ("reason", "wrong-password"));
            }

            return new SignInResult.Failed();
        }

        // Seam for the second factor: once a TOTP enrollment is stored for the user, return MfaRequired here (after
        // the password check and before any session exists) and finish the sign-in in the TOTP use case.
        var newHash = verification.NeedsRehash ? hasher.Hash(password) : null;
        user = await UpdateWithRetryAsync(
            user,
            u => newHash is null ? LoginThrottle.RegisterSuccess(u) : LoginThrottle.RegisterSuccess(u) with { PasswordHash = newHash },
            ct);

        var entered = userMemberships.Count == 1 ? userMemberships[0] : null;
        var now = time.GetUtcNow();
        var session = UserSession.Start(user.Id, entered?.PracticeId, now, client.SourceIp, client.UserAgent);
        await sessions.AddAsync(session, ct);
        var token = tokens.Issue(new TokenSubject(user.Id, user.Email, session.Id, entered?.PracticeId, entered?.Role));

        await AuditAsync(chains, actor, client, AuditAction.SignIn, AuditResult.Success, user.Id, ("session", session.Id.ToString()));
        return new SignInResult.Success(token, session.Id, userMemberships, entered);

        Task AuditAsync(
            IReadOnlyList<PracticeId> practiceIds, AuditActor who, ClientInfo from, AuditAction action, AuditResult result, UserId? target,
            params (string Key, string Value)[] details) =>
            WriteAuditAsync(practiceIds, who, from, action, result, target, details, ct);
    }

    private async Task WriteAuditAsync(
        IReadOnlyList<PracticeId> practiceIds, AuditActor actor, ClientInfo client, AuditAction action, AuditResult result, UserId? target,
        (string Key, string Value)[] details, CancellationToken ct)
    {
        var map = details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        foreach (var practiceId in practiceIds)
        {
            await audit.RecordAsync(
                new AuditEntry(practiceId, actor, client.SourceIp, client.UserAgent, action, "user", target?.ToString(), null, result, map),
                ct);
        }
    }

    /// <summary>Applies <paramref name="change"/> to the user and stores it, re-reading and reapplying on a conflict.</summary>
    private async Task<User> UpdateWithRetryAsync(User user, Func<User, User> change, CancellationToken ct)
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
