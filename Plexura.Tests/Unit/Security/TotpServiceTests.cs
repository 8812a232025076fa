using Microsoft.Extensions.Time.Testing;
using OtpNet;
using Plexura.Core.Security;
using Plexura.Infrastructure.Security;

namespace Plexura.Tests.Unit.Security;

/// <summary>TOTP enrollment and verification: drift window, replay refusal, QR code and otpauth URI.</summary>
public sealed class TotpServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 15, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);

    private TotpService Service => new(_time);

    [Fact]
    public void Verify_CodeOfTheCurrentStep_IsAcceptedWithThatStep()
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;

        var check = Service.Verify(secret, CodeAt(secret, Now), lastUsedTimeStep: null);

        Assert.True(check.IsValid);
        Assert.Equal(Now.ToUnixTimeSeconds() / 30, check.MatchedTimeStep);
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(30)]
    public void Verify_CodeOneStepAway_IsAcceptedForClockDrift(int offsetSeconds)
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;

        var check = Service.Verify(secret, CodeAt(secret, Now.AddSeconds(offsetSeconds)), lastUsedTimeStep: null);

        Assert.True(check.IsValid);
        Assert.Equal((Now.ToUnixTimeSeconds() + offsetSeconds) / 30, check.MatchedTimeStep);
    }

    [Theory]
    [InlineData(-90)]
    [InlineData(90)]
    public void Verify_CodeThreeStepsAway_IsRefused(int offsetSeconds)
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;

        var check = Service.Verify(secret, CodeAt(secret, Now.AddSeconds(offsetSeconds)), lastUsedTimeStep: null);

        Assert.Equal(TotpCheck.Invalid, check);
    }

    [Fact]
    public void Verify_SameCodeAgain_IsRefusedAsReplay()
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;
        var code = CodeAt(secret, Now);
        var first = Service.Verify(secret, code, lastUsedTimeStep: null);

        _time.Advance(TimeSpan.FromSeconds(20));
        var replay = Service.Verify(secret, code, first.MatchedTimeStep);

        Assert.True(first.IsValid);
        Assert.False(replay.IsValid);
    }

    [Fact]
    public void Verify_OlderCodeAfterANewerOneWasUsed_IsRefused()
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;
        var used = Service.Verify(secret, CodeAt(secret, Now), lastUsedTimeStep: null);

        var older = Service.Verify(secret, CodeAt(secret, Now.AddSeconds(-30)), used.MatchedTimeStep);
        var newer = Service.Verify(secret, CodeAt(secret, Now.AddSeconds(30)), used.MatchedTimeStep);

        Assert.False(older.IsValid);
        Assert.True(newer.IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData("1234567")]
    public void Verify_MalformedCode_IsRefused(string code)
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;

        Assert.False(Service.Verify(secret, code, null).IsValid);
    }

    [Fact]
    public void Verify_WrongCode_IsRefused()
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;
        var right = CodeAt(secret, Now);
        var window = new[] { -30, 0, 30 }.Select(s => CodeAt(secret, Now.AddSeconds(s))).ToHashSet();
        var wrong = Enumerable.Range(0, 1000).Select(i => ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + 1 + i) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
            .First(c => !window.Contains(c));

        Assert.False(Service.Verify(secret, wrong, null).IsValid);
    }

    [Fact]
    public void Verify_CodeWithSpaces_IsAccepted()
    {
        var secret = Service.BeginEnrollment("dana@example.com").Secret;
        var code = CodeAt(secret, Now);

        Assert.True(Service.Verify(secret, $"{code[..3]} {code[3..]}", null).IsValid);
    }

    [Fact]
    public void BeginEnrollment_GivesBase32SecretAndStandardOtpAuthUri()
    {
        var enrollment = Service.BeginEnrollment("Dana.Reyes+mfa@example.com");

        Assert.Matches("^[A-Z2-7]{32}$", enrollment.Secret);
        Assert.Equal(
            $"otpauth://totp/Plexura:Dana.Reyes%2Bmfa%40example.com?secret={enrollment.Secret}&issuer=Plexura&algorithm=SHA1&digits=6&period=30",
            enrollment.OtpAuthUri);
        Assert.NotEqual(enrollment.Secret, Service.BeginEnrollment("Dana.Reyes+mfa@example.com").Secret);
    }

    [Fact]
    public void BeginEnrollment_QrCode_IsAPngDataUri()
    {
        var enrollment = Service.BeginEnrollment("dana@example.com");

        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, enrollment.QrCodeDataUri, StringComparison.Ordinal);
        var png = Convert.FromBase64String(enrollment.QrCodeDataUri[prefix.Length..]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.True(png.Length > 200);
    }

    private static string CodeAt(string secret, DateTimeOffset at) =>
        new Totp(Base32Encoding.ToBytes(secret), 30, OtpHashMode.Sha1, 6).ComputeTotp(at.UtcDateTime);
}
