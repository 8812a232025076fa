using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.ConfirmMfaEnrollment;

/// <summary>Finish adding an authenticator: the secret from <c>BeginMfaEnrollmentHandler</c> and the first code it shows.</summary>
/// <param name="Secret">The base32 secret the enrollment began with.</param>
/// <param name="Code">The six digits the authenticator app shows now.</param>
public sealed record ConfirmMfaEnrollmentCommand(string Secret, string Code)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ConfirmMfaEnrollmentCommand)} {{ Secret = ***, Code = *** }}";
}

/// <summary>What confirming an enrollment gives the user.</summary>
/// <param name="RecoveryCodes">The <see cref="Security.RecoveryCodes.Count"/> single-use recovery codes, shown once and never again.</param>
public sealed record ConfirmMfaEnrollmentResult(IReadOnlyList<string> RecoveryCodes)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(ConfirmMfaEnrollmentResult)} {{ RecoveryCodes = *** }}";
}

/// <summary>Turns on the second factor once a code proves the authenticator holds the secret.</summary>
/// <remarks>
/// The secret is stored only sealed by <see cref="ISecretProtector"/>, bound to this user; the step of the confirming
/// code is stored so that very code cannot sign in later. Recovery codes are stored as salted hashes and returned in
/// clear exactly once. An account that already has a factor is refused: replacing it takes removing it first, which
/// asks for the password. A wrong code changes nothing and does not count toward the sign-in lockout: the user is
/// already signed in and the secret is their own.
/// </remarks>
public sealed class ConfirmMfaEnrollmentHandler(
    ICurrentUser currentUser,
    ISessionRepository sessions,
    IUserRepository users,
    IMembershipRepository memberships,
    ITotpService totp,
    ISecretProtector protector,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Shown for a wrong or malformed code.</summary>
    public const string WrongCodeMessage = "The code is not correct. Enter the six digits your authenticator app shows now.";

    private const int MaxSecretLength = 128;

    /// <summary>Enrolls; throws <see cref="ValidationFailedException"/> for a wrong code or when already enrolled.</summary>
    public async Task<ConfirmMfaEnrollmentResult> HandleAsync(ConfirmMfaEnrollmentCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, _) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        if (user.HasMfa)
        {
            throw new ValidationFailedException(BeginMfaEnrollment.BeginMfaEnrollmentHandler.AlreadyEnrolledMessage);
        }

        var secret = (command.Secret ?? string.Empty).Trim().ToUpperInvariant();
        var check = secret.Length is 0 or > MaxSecretLength ? TotpCheck.Invalid : totp.Verify(secret, command.Code ?? string.Empty, null);
        if (!check.IsValid)
        {
            throw new ValidationFailedException(WrongCodeMessage);
        }

        var codes = RecoveryCodes.Generate();
        var sealedSecret = TotpSecrets.Seal(protector, user.Id, secret);
        var enrolled = await users.UpdateAsync(
            user with
            {
                TotpSecret = sealedSecret,
                MfaEnabledAt = time.GetUtcNow(),
                TotpLastUsedStep = check.MatchedTimeStep,
                RecoveryCodes = codes.Stored,
            },
            ct);

        await AccountAudit.RecordAsync(
            audit, await AuditChains.ForUserAsync(memberships, enrolled.Id, ct), new AuditActor(enrolled.Id, enrolled.Email), client,
            AuditAction.MfaEnrolled, AuditResult.Success, "user", enrolled.Id.ToString(), ct, ("factor", "totp"));
        return new ConfirmMfaEnrollmentResult(codes.Codes);
    }
}
