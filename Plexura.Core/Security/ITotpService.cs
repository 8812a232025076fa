namespace Plexura.Core.Security;

/// <summary>What a user needs to add Plexura to an authenticator app.</summary>
/// <param name="Secret">The shared secret, base32 (shown for manual entry; store it only through <see cref="ISecretProtector"/>).</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/...</c> URI the QR code encodes.</param>
/// <param name="QrCodeDataUri">The QR code as a <c>data:image/png;base64,...</c> URI for an <c>img</c> tag.</param>
public sealed record TotpEnrollment(string Secret, string OtpAuthUri, string QrCodeDataUri);

/// <summary>The outcome of checking a TOTP code.</summary>
/// <param name="IsValid">Whether the code is accepted.</param>
/// <param name="MatchedTimeStep">The 30-second step the code belongs to; the caller stores it to refuse its reuse.</param>
public sealed record TotpCheck(bool IsValid, long? MatchedTimeStep)
{
    /// <summary>A refused code.</summary>
    public static TotpCheck Invalid { get; } = new(false, null);
}

/// <summary>Time-based one-time passwords (RFC 6238): SHA-1, 6 digits, 30-second steps, issuer "Plexura".</summary>
/// <remarks>
/// HIPAA 164.312(d) asks for person authentication; a second factor keeps a phished password from opening PHI.
/// The parameters are the ones every authenticator app supports.
/// </remarks>
public interface ITotpService
{
    /// <summary>A new random secret with its otpauth URI and QR code, labelled with the account's email.</summary>
    TotpEnrollment BeginEnrollment(string accountEmail);

    /// <summary>Checks <paramref name="code"/> against the current step and one step either side (clock drift).</summary>
    /// <param name="secret">The base32 secret.</param>
    /// <param name="code">The six digits the user typed (spaces allowed).</param>
    /// <param name="lastUsedTimeStep">The step of the last accepted code; this step and older ones are refused.</param>
    /// <remarks>Refusing a step at or before the last used one stops a code seen over a shoulder from being replayed.</remarks>
    TotpCheck Verify(string secret, string code, long? lastUsedTimeStep);
}
