using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.ResendEmailVerification;

/// <summary>Send the signed-in user a new email-verification link.</summary>
public sealed record ResendEmailVerificationCommand;

/// <summary>What resending did.</summary>
public enum ResendEmailVerificationResult
{
    /// <summary>A new link was queued for delivery; earlier links stop working.</summary>
    Sent,

    /// <summary>The email is already verified; nothing was sent.</summary>
    AlreadyVerified,
}

/// <summary>Issues a fresh verification token for an unverified signed-in user and emails its link.</summary>
/// <remarks>
/// For the signed-in user only, so it cannot be aimed at someone else's inbox. A fresh token replaces the pending one
/// (only the newest link works), and a new link is refused within <see cref="MinInterval"/> of the last, so the button
/// cannot be used to flood the mailbox.
/// </remarks>
public sealed class ResendEmailVerificationHandler(
    ICurrentUser currentUser,
    ISessionRepository sessions,
    IUserRepository users,
    IMembershipRepository memberships,
    IAuditLog audit,
    IEmailSender email,
    IOptions<AppOptions> app,
    TimeProvider time)
{
    /// <summary>The shortest time between two links.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);

    /// <summary>Shown when a link was sent less than <see cref="MinInterval"/> ago.</summary>
    public const string TooSoonMessage = "We sent you a link less than a minute ago. Check your inbox, or try again in a minute.";

    /// <summary>Resends; throws <see cref="ValidationFailedException"/> when asked again too soon.</summary>
    public async Task<ResendEmailVerificationResult> HandleAsync(ResendEmailVerificationCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, _) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        if (user.IsEmailVerified)
        {
            return ResendEmailVerificationResult.AlreadyVerified;
        }

        var now = time.GetUtcNow();
        if (user.EmailVerificationExpiresAt is { } expires && now < expires - EmailVerificationToken.Lifetime + MinInterval)
        {
            throw new ValidationFailedException(TooSoonMessage);
        }

        var token = EmailVerificationToken.Create(now);
        user = await UserUpdates.UpdateWithRetryAsync(
            users, user, u => u with { EmailVerificationTokenHash = token.Hash, EmailVerificationExpiresAt = token.ExpiresAt }, ct);
        await AccountAudit.RecordAsync(
            audit, await AuditChains.ForUserAsync(memberships, user.Id, ct), new AuditActor(user.Id, user.Email), client, AuditAction.Updated,
            AuditResult.Success, "user", user.Id.ToString(), ct, ("change", "email-verification-sent"));
        await email.EnqueueAsync(AccountEmails.Verification(user, token, app.Value), ct);
        return ResendEmailVerificationResult.Sent;
    }
}
