using Microsoft.Extensions.Logging;
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
/// <b>No enumeration.</b> The handler returns nothing and throws nothing for an unknown or malformed address, so the
/// caller can only show <see cref="SentMessage"/>. Both paths make a token (the CSPRNG and hash work) and write one
/// audit event; a known address also stores the token and sends an email, which costs more. Hiding that difference
/// fully needs the email sent off the request (a queue), which the email port does not offer yet; the endpoint is
/// rate-limited at the edge.
/// </para>
/// <para>
/// <b>Token.</b> 32 random bytes in the link, only the SHA-256 stored, 30 minutes, single use; a new request replaces
/// the previous token, so only the newest link works. The audit event never holds the typed email (people type
/// passwords into email fields): an unknown address is recorded on the <see cref="PracticeId.None"/> chain without actor.
/// </para>
/// </remarks>
public sealed class RequestPasswordResetHandler(
    IUserRepository users,
    IMembershipRepository memberships,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time,
    ILogger<RequestPasswordResetHandler> logger)
{
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
        if (user is null)
        {
            await AccountAudit.RecordAsync(
                audit, [PracticeId.None], AuditActor.Anonymous, client, AuditAction.PasswordReset, AuditResult.Failed, "user", null, ct,
                ("step", "requested"), ("reason", "unknown-account"));
            return;
        }

        user = await UserUpdates.UpdateWithRetryAsync(
            users, user, u => u with { PasswordResetTokenHash = token.Hash, PasswordResetExpiresAt = token.ExpiresAt }, ct);
        await AccountAudit.RecordAsync(
            audit, await AuditChains.ForUserAsync(memberships, user.Id, ct), new AuditActor(user.Id, user.Email), client, AuditAction.PasswordReset,
            AuditResult.Success, "user", user.Id.ToString(), ct, ("step", "requested"));
        try
        {
            await email.SendAsync(AccountEmails.PasswordReset(user, token, app.Value), ct);
        }
        catch (EmailDeliveryException ex)
        {
            // Not surfaced: an error only for existing accounts would tell who has one. The person can ask again.
            logger.LogWarning(ex, "Password-reset email for user {UserId} was not delivered.", user.Id);
        }
    }
}
