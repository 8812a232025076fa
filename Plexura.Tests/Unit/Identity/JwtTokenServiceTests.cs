using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Infrastructure.Configuration;
using Plexura.Infrastructure.Identity;

namespace Plexura.Tests.Unit.Identity;

public sealed class JwtTokenServiceTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly string _key = NewKey();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly TokenSubject _subject = new(UserId.New(), "dana@example.com", SessionId.New(), PracticeId.New(), PracticeRole.Clinician);

    [Fact]
    public async Task Issue_ThenValidate_ReturnsTheSubject()
    {
        var service = NewService();

        var issued = service.Issue(_subject);
        var result = await service.ValidateAsync(issued.Value, Ct);

        Assert.True(result.IsValid, result.Failure?.ToString());
        Assert.Equal(_subject, result.Claims!.Subject);
        Assert.Equal(issued.TokenId, result.Claims.TokenId);
        Assert.Equal(issued.IssuedAt, result.Claims.IssuedAt);
        Assert.Equal(issued.ExpiresAt, result.Claims.ExpiresAt);
    }

    [Fact]
    public async Task Issue_WithoutPractice_ValidatesWithNoPracticeAndNoRole()
    {
        var service = NewService();
        var subject = _subject with { PracticeId = null, Role = null };

        var result = await service.ValidateAsync(service.Issue(subject).Value, Ct);

        Assert.Equal(subject, result.Claims!.Subject);
    }

    [Fact]
    public void Issue_ExpiresExactly120MinutesAfterIssue()
    {
        var issued = NewService().Issue(_subject);
        var payload = new JsonWebToken(issued.Value);

        Assert.Equal(Start, issued.IssuedAt);
        Assert.Equal(Start.AddMinutes(120), issued.ExpiresAt);
        Assert.Equal(Start.AddMinutes(120).UtcDateTime, payload.ValidTo);
        Assert.Equal(Start.UtcDateTime, payload.IssuedAt);
        Assert.False(string.IsNullOrEmpty(payload.Id));
    }

    [Fact]
    public void Issue_TwiceAtTheSameInstant_GivesDistinctTokenIds()
    {
        var service = NewService();

        Assert.NotEqual(service.Issue(_subject).TokenId, service.Issue(_subject).TokenId);
    }

    [Fact]
    public async Task Validate_At119Minutes59Seconds_IsValid()
    {
        var service = NewService();
        var token = service.Issue(_subject).Value;

        _time.Advance(TimeSpan.FromMinutes(119) + TimeSpan.FromSeconds(59));

        Assert.True((await service.ValidateAsync(token, Ct)).IsValid);
    }

    [Fact]
    public async Task Validate_AtExactly120Minutes_IsExpired()
    {
        var service = NewService();
        var token = service.Issue(_subject).Value;

        _time.Advance(TimeSpan.FromMinutes(120));

        Assert.Equal(TokenFailure.Expired, (await service.ValidateAsync(token, Ct)).Failure);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60 * 24)]
    public async Task Validate_After120Minutes_IsExpired(int minutesLate)
    {
        var service = NewService();
        var token = service.Issue(_subject).Value;

        _time.Advance(TimeSpan.FromMinutes(120 + minutesLate));

        Assert.Equal(TokenFailure.Expired, (await service.ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_BeforeItWasIssued_IsNotYetValid()
    {
        var token = NewService().Issue(_subject).Value;
        var earlier = NewService(time: new FakeTimeProvider(Start.AddSeconds(-1)));

        Assert.Equal(TokenFailure.NotYetValid, (await earlier.ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_TamperedPayload_IsBadSignature()
    {
        var service = NewService();
        var parts = service.Issue(_subject).Value.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("\"Clinician\"", "\"Owner\"", StringComparison.Ordinal);
        Assert.Contains("\"Owner\"", payload, StringComparison.Ordinal);

        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        Assert.Equal(TokenFailure.BadSignature, (await service.ValidateAsync(forged, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_TamperedSignature_IsBadSignature()
    {
        var service = NewService();
        var parts = service.Issue(_subject).Value.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[0] ^= 0x01;

        var forged = $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";

        Assert.Equal(TokenFailure.BadSignature, (await service.ValidateAsync(forged, Ct)).Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    public async Task Validate_AlgNoneHandBuilt_IsAlgorithmNotAllowed(string signature)
    {
        var service = NewService();
        var payload = service.Issue(_subject).Value.Split('.')[1];
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");

        var result = await service.ValidateAsync($"{header}.{payload}.{signature}", Ct);

        Assert.Equal(TokenFailure.AlgorithmNotAllowed, result.Failure);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.HmacSha512)]
    [InlineData(SecurityAlgorithms.HmacSha384)]
    public async Task Validate_OtherHmacWithOurKey_IsAlgorithmNotAllowed(string algorithm)
    {
        var token = Sign(new SymmetricSecurityKey(Convert.FromBase64String(_key)), algorithm, ValidClaims());

        Assert.Equal(TokenFailure.AlgorithmNotAllowed, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_Rs256Token_IsAlgorithmNotAllowed()
    {
        using var rsa = RSA.Create(2048);
        var token = Sign(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256, ValidClaims());

        Assert.Equal(TokenFailure.AlgorithmNotAllowed, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_SignedWithAnotherKey_IsBadSignature()
    {
        var token = NewService(key: NewKey()).Issue(_subject).Value;

        Assert.Equal(TokenFailure.BadSignature, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_WrongIssuer_IsWrongIssuer()
    {
        var token = NewService(issuer: "someone-else").Issue(_subject).Value;

        Assert.Equal(TokenFailure.WrongIssuer, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_WrongAudience_IsWrongAudience()
    {
        var token = NewService(audience: "another-app").Issue(_subject).Value;

        Assert.Equal(TokenFailure.WrongAudience, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln")]
    public async Task Validate_Garbage_IsMalformed(string token)
    {
        Assert.Equal(TokenFailure.Malformed, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_Hs256HeaderWithEmptyPayloadAndSignature_IsBadSignature()
    {
        Assert.Equal(TokenFailure.BadSignature, (await NewService().ValidateAsync("eyJhbGciOiJIUzI1NiJ9..", Ct)).Failure);
    }

    [Fact]
    public async Task Validate_HugeInput_IsMalformed()
    {
        Assert.Equal(TokenFailure.Malformed, (await NewService().ValidateAsync(new string('a', 100_000), Ct)).Failure);
    }

    [Theory]
    [InlineData(JwtRegisteredClaimNames.Sid)]
    [InlineData(JwtRegisteredClaimNames.Jti)]
    [InlineData(JwtRegisteredClaimNames.Sub)]
    [InlineData("email")]
    public async Task Validate_SignedButMissingARequiredClaim_IsMalformed(string claim)
    {
        var claims = ValidClaims();
        claims.Remove(claim);
        var token = Sign(new SymmetricSecurityKey(Convert.FromBase64String(_key)), SecurityAlgorithms.HmacSha256, claims);

        Assert.Equal(TokenFailure.Malformed, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_SignedWithoutExpiry_IsRefused()
    {
        var token = Sign(new SymmetricSecurityKey(Convert.FromBase64String(_key)), SecurityAlgorithms.HmacSha256, ValidClaims(), withExpiry: false);

        var result = await NewService().ValidateAsync(token, Ct);

        Assert.False(result.IsValid);
        Assert.Equal(TokenFailure.Malformed, result.Failure);
    }

    [Fact]
    public async Task Validate_SignedValidClaimsByHand_IsValid()
    {
        var token = Sign(new SymmetricSecurityKey(Convert.FromBase64String(_key)), SecurityAlgorithms.HmacSha256, ValidClaims());

        Assert.True((await NewService().ValidateAsync(token, Ct)).IsValid);
    }

    [Theory]
    [InlineData(60 * 24 * 365 * 10)]
    [InlineData(121)]
    [InlineData(119)]
    public async Task Validate_SignedWithOurKeyButAnotherLifetime_IsWrongLifetime(int minutes)
    {
        var token = Sign(
            new SymmetricSecurityKey(Convert.FromBase64String(_key)), SecurityAlgorithms.HmacSha256, ValidClaims(), expires: Start.AddMinutes(minutes));

        Assert.Equal(TokenFailure.WrongLifetime, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    [Fact]
    public async Task Validate_SignedWithOurKeyIssuedInTheFuture_IsNotYetValid()
    {
        // No nbf, and iat a day ahead with exactly 120 minutes after it: the window would open tomorrow.
        var issuedAt = Start.AddDays(1);
        var token = Sign(
            new SymmetricSecurityKey(Convert.FromBase64String(_key)), SecurityAlgorithms.HmacSha256, ValidClaims(), issuedAt: issuedAt, expires: issuedAt.AddMinutes(120));

        Assert.Equal(TokenFailure.NotYetValid, (await NewService().ValidateAsync(token, Ct)).Failure);
    }

    private JwtTokenService NewService(string? key = null, string issuer = "plexura", string audience = "plexura", TimeProvider? time = null) =>
        new(Options.Create(new AuthOptions { SigningKey = key ?? _key, Issuer = issuer, Audience = audience }), time ?? _time);

    private Dictionary<string, object> ValidClaims() => new()
    {
        [JwtRegisteredClaimNames.Sub] = _subject.UserId.ToString(),
        [JwtRegisteredClaimNames.Sid] = _subject.SessionId.ToString(),
        [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        ["email"] = _subject.Email,
    };

    private static string Sign(
        SecurityKey key, string algorithm, Dictionary<string, object> claims, bool withExpiry = true, DateTimeOffset? issuedAt = null, DateTimeOffset? expires = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "plexura",
            Audience = "plexura",
            IssuedAt = (issuedAt ?? Start).UtcDateTime,
            NotBefore = issuedAt is null ? Start.UtcDateTime : null,
            Expires = withExpiry ? (expires ?? Start.AddMinutes(120)).UtcDateTime : null,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
}
