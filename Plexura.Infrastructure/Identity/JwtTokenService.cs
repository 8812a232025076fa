using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Infrastructure.Configuration;
using CoreTokenValidationResult = Plexura.Core.Identity.TokenValidationResult;

namespace Plexura.Infrastructure.Identity;

/// <summary>Issues and checks HS256-signed JWTs that carry a session.</summary>
/// <remarks>
/// Only HS256 is accepted: the header's <c>alg</c> is checked before anything else and the handler is limited to it
/// too, so <c>alg=none</c> and algorithm-confusion tokens are refused. The lifetime is exactly
/// <see cref="ITokenService.Lifetime"/> from the injected clock with no clock skew, and a token is expired at its
/// <c>exp</c> instant, not one second later (RFC 7519 4.1.4: "on or after"). <c>exp</c>, <c>jti</c>, <c>sid</c> and
/// <c>sub</c> are required. Claims are read as written (no inbound claim-type mapping).
/// <para>
/// Every token we issue lives exactly <see cref="ITokenService.Lifetime"/> (<c>exp - iat</c>), so any other lifetime
/// is refused even under a valid signature: one signed with a leaked key with an expiry ten years ahead, or one with
/// <c>iat</c> moved into the future to stretch its window, never passes. <c>SessionValidator</c> also refuses a token
/// that ends after its session.
/// </para>
/// </remarks>
internal sealed class JwtTokenService : ITokenService
{
    internal const string EmailClaim = "email";
    internal const string PracticeClaim = "practice_id";
    internal const string RoleClaim = "role";

    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _parameters;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };

    public JwtTokenService(IOptions<AuthOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        var key = new SymmetricSecurityKey(_options.SigningKeyBytes());
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = ValidateLifetime,
        };
    }

    public IssuedToken Issue(TokenSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var issuedAt = TruncateToSeconds(_time.GetUtcNow());
        var expiresAt = issuedAt + ITokenService.Lifetime;
        var tokenId = Guid.NewGuid().ToString("N");
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject.UserId.ToString(),
            [JwtRegisteredClaimNames.Jti] = tokenId,
            [JwtRegisteredClaimNames.Sid] = subject.SessionId.ToString(),
            [EmailClaim] = subject.Email,
        };
        if (subject.PracticeId is { } practice)
        {
            claims[PracticeClaim] = practice.ToString();
        }

        if (subject.Role is { } role)
        {
            claims[RoleClaim] = role.ToString();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            Claims = claims,
            SigningCredentials = _credentials,
        };
        return new IssuedToken(_handler.CreateToken(descriptor), tokenId, issuedAt, expiresAt);
    }

    public async Task<CoreTokenValidationResult> ValidateAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 8192)
        {
            return CoreTokenValidationResult.Refused(TokenFailure.Malformed);
        }

        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return CoreTokenValidationResult.Refused(TokenFailure.Malformed);
        }

        if (parsed.IsEncrypted)
        {
            return CoreTokenValidationResult.Refused(TokenFailure.Malformed);
        }

        if (!string.Equals(parsed.Alg, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal))
        {
            return CoreTokenValidationResult.Refused(TokenFailure.AlgorithmNotAllowed);
        }

        var result = await _handler.ValidateTokenAsync(parsed, _parameters);
        ct.ThrowIfCancellationRequested();
        if (!result.IsValid)
        {
            return CoreTokenValidationResult.Refused(Classify(result.Exception));
        }

        if (ReadClaims(parsed) is not { } claims)
        {
            return CoreTokenValidationResult.Refused(TokenFailure.Malformed);
        }

        if (claims.ExpiresAt - claims.IssuedAt != ITokenService.Lifetime)
        {
            return CoreTokenValidationResult.Refused(TokenFailure.WrongLifetime);
        }

        return claims.IssuedAt > _time.GetUtcNow()
            ? CoreTokenValidationResult.Refused(TokenFailure.NotYetValid)
            : CoreTokenValidationResult.Valid(claims);
    }

    private static TokenClaims? ReadClaims(JsonWebToken token)
    {
        if (!token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || !UserId.TryParse(sub, null, out var userId)
            || !token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sid, out var sid) || !SessionId.TryParse(sid, null, out var sessionId)
            || !token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti)
            || !token.TryGetPayloadValue<string>(EmailClaim, out var email) || string.IsNullOrEmpty(email)
            || !token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
        {
            return null;
        }

        PracticeId? practiceId = null;
        if (token.TryGetPayloadValue<string>(PracticeClaim, out var practice))
        {
            if (!PracticeId.TryParse(practice, null, out var parsed) || parsed.IsNone)
            {
                return null;
            }

            practiceId = parsed;
        }

        PracticeRole? role = null;
        if (token.TryGetPayloadValue<string>(RoleClaim, out var roleName))
        {
            if (!Enum.TryParse<PracticeRole>(roleName, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed)
                || int.TryParse(roleName, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                return null;
            }

            role = parsed;
        }

        var subject = new TokenSubject(userId, email, sessionId, practiceId, role);
        return new TokenClaims(subject, jti, DateTimeOffset.FromUnixTimeSeconds(iat), new DateTimeOffset(token.ValidTo, TimeSpan.Zero));
    }

    /// <remarks>
    /// The handler's own check accepts a token at its exp instant and reads the system clock (8.23 exposes no public
    /// TimeProvider on TokenValidationParameters); this one refuses at exp and reads the injected clock.
    /// </remarks>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (now >= expires.Value)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        if (notBefore is { } nbf && now < nbf)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        }

        return true;
    }

    private static TokenFailure Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => TokenFailure.Expired,
        SecurityTokenNotYetValidException => TokenFailure.NotYetValid,
        SecurityTokenInvalidAlgorithmException => TokenFailure.AlgorithmNotAllowed,
        SecurityTokenInvalidIssuerException => TokenFailure.WrongIssuer,
        SecurityTokenInvalidAudienceException => TokenFailure.WrongAudience,
        SecurityTokenSignatureKeyNotFoundException => TokenFailure.BadSignature,
        SecurityTokenInvalidSignatureException => TokenFailure.BadSignature,
        _ => TokenFailure.Malformed,
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
