using Plexura.Core.Common;
using Plexura.Core.Security;
using Plexura.Core.Users;

namespace Plexura.Core.Identity.BeginMfaEnrollment;

/// <summary>Start adding an authenticator app as the signed-in user's second factor.</summary>
public sealed record BeginMfaEnrollmentCommand;

/// <summary>Makes a new TOTP secret and its QR code for the signed-in user; stores nothing.</summary>
/// <remarks>
/// The pending secret is not stored: the caller keeps it and sends it back with the first code to
/// <c>ConfirmMfaEnrollmentHandler</c>. Nothing changes until a code proves the app holds the secret, so an abandoned
/// enrollment leaves no half-enabled factor behind. A user who already has a factor must remove it first.
/// </remarks>
public sealed class BeginMfaEnrollmentHandler(
    ICurrentUser currentUser, ISessionRepository sessions, IUserRepository users, ITotpService totp, TimeProvider time)
{
    /// <summary>Shown when the user already has a second factor.</summary>
    public const string AlreadyEnrolledMessage = "Two-step sign-in is already on. Turn it off first to use another authenticator.";

    /// <summary>The secret, otpauth URI and QR code to show; throws <see cref="ValidationFailedException"/> when already enrolled.</summary>
    public async Task<TotpEnrollment> HandleAsync(BeginMfaEnrollmentCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var (user, _) = await SignedInAccount.RequireAsync(currentUser, sessions, users, time, ct);
        if (user.HasMfa)
        {
            throw new ValidationFailedException(AlreadyEnrolledMessage);
        }

        return totp.BeginEnrollment(user.Email);
    }
}
