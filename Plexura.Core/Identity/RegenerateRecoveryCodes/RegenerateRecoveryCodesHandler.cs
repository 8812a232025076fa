using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.RegenerateRecoveryCodes;

/// <summary>Replace the signed-in user's recovery codes with a new set.</summary>
/// <param name="CurrentPassword">The user's password, asked again.</param>
public sealed record RegenerateRecoveryCodesCommand(string CurrentPassword)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RegenerateRecoveryCodesCommand)} {{ CurrentPassword = *** }}";
}

/// <summary>The new recovery codes.</summary>
/// <param name="RecoveryCodes">The new single-use codes, shown once; every earlier code stops working.</param>
public sealed record RegenerateRecoveryCodesResult(IReadOnlyList<string> RecoveryCodes)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(RegenerateRecoveryCodesResult)} {{ RecoveryCodes = *** }}";
}

/// <summary>Generates a fresh set of recovery codes; the old set stops working at once.</summary>
/// <remarks>
/// Asks for the password again, like removing the factor: whoever holds recovery codes can pass the second step.
/// Audited as <see cref="AuditAction.MfaRemoved"/> with <c>change=recovery-codes-replaced</c>, the action the audit
/// model reserves for replacing recovery codes.
/// </remarks>
public sealed class RegenerateRecoveryCodesHandler(
    ICurrentUser currentUser,
    ISessionRepository sessions,
    IUserRepository users,
    IMembershipRepository memberships,
    IPasswordHasher hasher,
    LoginThrottle throttle,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>New codes; throws <see cref="ValidationFailedException"/> for a wrong password or when MFA is off.</summary>
    public async Task<RegenerateRecoveryCodesResult> HandleAsync(RegenerateRecoveryCodesCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, _) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        var chains = await AuditChains.ForUserAsync(memberships, user.Id, ct);
        await CurrentPassword.RequireAsync(user, command.CurrentPassword, hasher, throttle, users, audit, chains, client, AuditAction.MfaRemoved, ct);
        if (!user.HasMfa)
        {
            throw new ValidationFailedException(DisableMfa.DisableMfaHandler.NotEnrolledMessage);
        }

        var codes = RecoveryCodes.Generate();
        var updated = await UserUpdates.UpdateWithRetryAsync(users, user, u => u with { RecoveryCodes = codes.Stored }, ct);
        await AccountAudit.RecordAsync(
            audit, chains, new AuditActor(updated.Id, updated.Email), client, AuditAction.MfaRemoved, AuditResult.Success, "user",
            updated.Id.ToString(), ct, ("change", "recovery-codes-replaced"));
        return new RegenerateRecoveryCodesResult(codes.Codes);
    }
}
