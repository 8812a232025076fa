using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.RequestPasswordReset;

/// <summary>Ask for a password-reset link for an email address.</summary>
/// <param name="Email">The email the person typed.</param>
public sealed record RequestPasswordResetCommand(string Email);

/// <summary>Emails a single-use, 30-minute reset link when the address has an account; answers the same either way.</summary>
/// <remarks>
/// <para>
/// <b>No enumeration, by answer or by time.</b> The handler returns nothing and throws nothing for an unknown or
/// malformed address, so the caller can only show <see cref="SentMessage"/>. Both paths do the same work in the same
/// order: make a token (the CSPRNG and hash), look the address up, list the memberships (of the account, or of a
/// fresh id that has none), write one audit event per chain (one chain for an account without memberships, and for
/// an unknown address), and write one outbox record: the queued email, or a content-free
/// <see cref="IEmailSender.SuppressAsync">stand-in</see>. Nothing waits on the email provider: the email is delivered
/// in the background. What remains is the one user-row update that stores the token's hash (about a millisecond on
/// either engine, below network jitter); the endpoint is also rate-limited per IP.
/// </para>
/// <para>
/// <b>Token.</b> 32 random bytes in the link, only the SHA-256 stored, 30 minutes, single use; a new request replaces
/// the previous token, so only the newest link works. The audit event never holds the typed email (people type
/// passwords into email fields): an unknown address is recorded on the <see cref="PracticeId.None"/> chain without
/// actor, and its outbox stand-in holds no address either.
/// </para>
/// </remarks>
public sealed class RequestPasswordResetHandler(
    IUserRepository users,
    IMembershipRepository memberships,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time)
{
    /// <summary>The outbox kind of the reset email (and of its stand-in for an unknown address).</summary>
    public const string EmailKind = "password-reset";

    /// <summary>What to show after every request, whether or not the account exists.</summary>
    public const string SentMessage = "If an account exists for this email, we have sent it a link to reset the password. The link works for 30 minutes.";

    /// <summary>Requests a reset; never reveals whether the account exists.</summary>
    public async Task HandleAsync(RequestPasswordResetCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var address = (command.Email ?? string.Empty).Trim();
        var token = PasswordResetToken.Create(time.GetUtcNow());
        var user = address.Length is 0 or > User.MaxEmailLength ? null : await users.FindByEmailAsync(address, ct);
        var chains = await AuditChains.ForUserAsync(memberships, user?.Id ?? UserId.New(), ct);
        if (user is null)
        {
            await AccountAudit.RecordAsync(
                audit, [PracticeId.None], AuditActor.Anonymous, client, AuditAction.PasswordReset, AuditResult.Failed, "user", null, ct,
                ("step", "requested"), ("reason", "unknown-account"));
            await email.SuppressAsync(EmailKind, ct);
            return;
        }

        user = await UserUpdates.UpdateWithRetryAsync(
            users, user, u => u with { PasswordResetTokenHash = token.Hash, PasswordResetExpiresAt = token.ExpiresAt }, ct);
        await AccountAudit.RecordAsync(
            audit, chains, new AuditActor(user.Id, user.Email), client, AuditAction.PasswordReset,
            AuditResult.Success, "user", user.Id.ToString(), ct, ("step", "requested"));
        await email.EnqueueAsync(AccountEmails.PasswordReset(user, token, app.Value), ct);
    }
}
