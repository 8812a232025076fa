using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.DisableMfa;

/// <summary>Turn off the signed-in user's second factor.</summary>
/// <param name="CurrentPassword">The user's password, asked again.</param>
public sealed record DisableMfaCommand(string CurrentPassword)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(DisableMfaCommand)} {{ CurrentPassword = *** }}";
}

/// <summary>Removes the authenticator secret and the recovery codes.</summary>
/// <remarks>
/// Asks for the password again (see <see cref="CurrentPassword"/>): an open session alone must not be able to strip
/// the factor that protects the account. Every MFA field is cleared, including a pending sign-in challenge.
/// Whether a practice that requires MFA still lets the user in afterwards is decided when the practice is entered.
/// </remarks>
public sealed class DisableMfaHandler(
    ICurrentUser currentUser,
    ISessionRepository sessions,
    IUserRepository users,
    IMembershipRepository memberships,
    IPasswordHasher hasher,
    LoginThrottle throttle,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Shown when there is no second factor to remove.</summary>
    public const string NotEnrolledMessage = "Two-step sign-in is not on.";

    /// <summary>Disables MFA; throws <see cref="ValidationFailedException"/> for a wrong password or when not enrolled.</summary>
    public async Task HandleAsync(DisableMfaCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, _) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var chains = await AuditChains.ForUserAsync(memberships, user.Id, ct);
        await CurrentPassword.RequireAsync(user, command.CurrentPassword, hasher, throttle, users, audit, chains, client, AuditAction.MfaRemoved, ct);
        if (!user.HasMfa)
        {
            throw new ValidationFailedException(NotEnrolledMessage);
        }

        var disabled = await UserUpdates.UpdateWithRetryAsync(
            users,
            user,
            u => u with
            {
                TotpSecret = null,
                MfaEnabledAt = null,
                TotpLastUsedStep = null,
                RecoveryCodes = null,
                MfaChallengeHash = null,
                MfaChallengeExpiresAt = null,
            },
            ct);
        await AccountAudit.RecordAsync(
            audit, chains, new AuditActor(disabled.Id, disabled.Email), client, AuditAction.MfaRemoved, AuditResult.Success, "user",
            disabled.Id.ToString(), ct, ("factor", "totp"));
    }
}
