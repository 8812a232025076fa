using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.VerifyEmail;

/// <summary>Confirm an email address with the token from a verification link.</summary>
/// <param name="Token">The <c>token</c> value of the link.</param>
public sealed record VerifyEmailCommand(string Token)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(VerifyEmailCommand)} {{ Token = *** }}";
}

/// <summary>Marks the user's email verified when the token is known, unused and not expired.</summary>
/// <remarks>
/// The token is looked up by its SHA-256 hash and cleared when used, so a link works once. An unknown and a used
/// link get the same refusal (they cannot be told apart anyway); an expired one gets its own, so the user knows to
/// ask for a new link. Refusals are audited on the <see cref="PracticeId.None"/> chain without the token.
/// </remarks>
public sealed class VerifyEmailHandler(IUserRepository users, IMembershipRepository memberships, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown for an unknown or already used link.</summary>
    public const string InvalidMessage = "This verification link is not valid or has already been used.";

    /// <summary>Shown for an expired link.</summary>
    public const string ExpiredMessage = "This verification link has expired. Request a new one.";

    private const int MaxAttempts = 3;

    /// <summary>Verifies; throws <see cref="ValidationFailedException"/> for an unknown, used or expired token.</summary>
    public async Task HandleAsync(VerifyEmailCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var hash = string.IsNullOrWhiteSpace(command.Token) || command.Token.Length > 256
            ? string.Empty
            : EmailVerificationToken.HashOf(command.Token.Trim());

        for (var attempt = 1; ; attempt++)
        {
            var user = await users.FindByEmailVerificationTokenHashAsync(hash, ct);
            if (user is null)
            {
                await AuditAsync(PracticeId.None, AuditActor.Anonymous, client, null, AuditResult.Failed, "invalid-token", ct);
                throw new ValidationFailedException(InvalidMessage);
            }

            var now = time.GetUtcNow();
            if (user.EmailVerificationExpiresAt is not { } expires || now >= expires)
            {
                await AuditAsync(PracticeId.None, new AuditActor(user.Id, null), client, user.Id, AuditResult.Failed, "expired-token", ct);
                throw new ValidationFailedException(ExpiredMessage);
            }

            try
            {
                var verified = await users.UpdateAsync(
                    user with { EmailVerifiedAt = user.EmailVerifiedAt ?? now, EmailVerificationTokenHash = null, EmailVerificationExpiresAt = null },
                    ct);
                var actor = new AuditActor(verified.Id, verified.Email);
                foreach (var practiceId in await AuditChains.ForUserAsync(memberships, verified.Id, ct))
                {
                    await AuditAsync(practiceId, actor, client, verified.Id, AuditResult.Success, null, ct);
                }

                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Someone else changed the user (a sign-in counter); read again: the token may have been used meanwhile.
            }
        }
    }

    private async Task AuditAsync(PracticeId practiceId, AuditActor actor, ClientInfo client, UserId? userId, AuditResult result, string? reason, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["change"] = "email-verified" };
        if (reason is not null)
        {
            details["reason"] = reason;
        }

        await audit.RecordAsync(
            new AuditEntry(practiceId, actor, client.SourceIp, client.UserAgent, AuditAction.Updated, "user", userId?.ToString(), null, result, details),
            ct);
    }
}
