using System.Security.Cryptography;
using System.Text;
using OtpNet;
using Plexura.Core.Security;
using QRCoder;

namespace Plexura.Infrastructure.Security;

/// <summary>RFC 6238 TOTP with Otp.NET, QR codes with QRCoder (managed PNG encoder, no System.Drawing).</summary>
/// <remarks>
/// Codes are compared in constant time for each step in the window, and a step at or before the last accepted one
/// is skipped, so an accepted code can never be accepted again. Time comes from the injected <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class TotpService(TimeProvider time) : ITotpService
{
    public const string Issuer = "Plexura";
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>160-bit secrets, the length RFC 4226 recommends for HMAC-SHA1.</summary>
    private const int SecretBytes = 20;

    /// <summary>Steps accepted either side of the current one (clock drift of up to 30 seconds).</summary>
    private const int Window = 1;

    private const int PixelsPerModule = 5;

    public TotpEnrollment BeginEnrollment(string accountEmail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountEmail);
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(SecretBytes)).TrimEnd('=');
        var label = $"{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(accountEmail.Trim())}";
        var uri = $"otpauth://totp/{label}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";

        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(PixelsPerModule);
        return new TotpEnrollment(secret, uri, "data:image/png;base64," + Convert.ToBase64String(png));
    }

    public TotpCheck Verify(string secret, string code, long? lastUsedTimeStep)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var digits = (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length != Digits || !digits.All(char.IsAsciiDigit))
        {
            return TotpCheck.Invalid;
        }

        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(secret);
        }
        catch (ArgumentException)
        {
            return TotpCheck.Invalid;
        }

        var totp = new Totp(key, StepSeconds, OtpHashMode.Sha1, Digits);
        var current = time.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        var typed = Encoding.ASCII.GetBytes(digits);
        long? matched = null;
        for (var step = current - Window; step <= current + Window; step++)
        {
            if (step <= lastUsedTimeStep)
            {
                continue;
            }

            var expected = Encoding.ASCII.GetBytes(totp.ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * StepSeconds).UtcDateTime));
            if (CryptographicOperations.FixedTimeEquals(typed, expected) && matched is null)
            {
                matched = step;
            }
        }

        CryptographicOperations.ZeroMemory(key);
        return matched is { } s ? new TotpCheck(true, s) : TotpCheck.Invalid;
    }
}
