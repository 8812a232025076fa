using System.Globalization;
using System.Security.Claims;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;

namespace Plexura.Web.Security.Authentication;

/// <summary>Translates between a validated token's claims and the <see cref="ClaimsPrincipal"/> ASP.NET Core carries.</summary>
/// <remarks>
/// The principal holds ids, the email, the role and the token's expiry: nothing else, and never PHI. It is rebuilt from
/// the signed token on every request, so nothing here can be changed by the client.
/// </remarks>
public static class PlexuraPrincipal
{
    public const string AuthenticationType = "plexura";
    public const string UserIdClaim = "sub";
    public const string SessionIdClaim = "sid";
    public const string EmailClaim = "email";
    public const string PracticeIdClaim = "practice_id";
    public const string RoleClaim = "role";
    public const string ExpiresAtClaim = "exp";
    public const string IssuedAtClaim = "iat";
    public const string TokenIdClaim = "jti";

    /// <summary>The principal of a validated token.</summary>
    public static ClaimsPrincipal From(TokenClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var subject = claims.Subject;
        var list = new List<Claim>
        {
            new(UserIdClaim, subject.UserId.ToString()),
            new(SessionIdClaim, subject.SessionId.ToString()),
            new(EmailClaim, subject.Email),
            new(TokenIdClaim, claims.TokenId),
            new(IssuedAtClaim, claims.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new(ExpiresAtClaim, claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (subject.PracticeId is { } practiceId)
        {
            list.Add(new Claim(PracticeIdClaim, practiceId.ToString()));
        }

        if (subject.Role is { } role)
        {
            list.Add(new Claim(RoleClaim, role.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(list, AuthenticationType, EmailClaim, RoleClaim));
    }

    /// <summary>The token claims a principal was built from, or null for an anonymous or foreign principal.</summary>
    public static TokenClaims? ToClaims(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true, AuthenticationType: AuthenticationType })
        {
            return null;
        }

        if (!UserId.TryParse(principal.FindFirstValue(UserIdClaim), null, out var userId)
            || !SessionId.TryParse(principal.FindFirstValue(SessionIdClaim), null, out var sessionId)
            || principal.FindFirstValue(EmailClaim) is not { Length: > 0 } email
            || !long.TryParse(principal.FindFirstValue(ExpiresAtClaim), CultureInfo.InvariantCulture, out var exp)
            || !long.TryParse(principal.FindFirstValue(IssuedAtClaim), CultureInfo.InvariantCulture, out var iat))
        {
            return null;
        }

        PracticeId? practiceId = PracticeId.TryParse(principal.FindFirstValue(PracticeIdClaim), null, out var p) ? p : null;
        PracticeRole? role = Enum.TryParse<PracticeRole>(principal.FindFirstValue(RoleClaim), out var r) ? r : null;
        return new TokenClaims(
            new TokenSubject(userId, email, sessionId, practiceId, role),
            principal.FindFirstValue(TokenIdClaim) ?? string.Empty,
            DateTimeOffset.FromUnixTimeSeconds(iat),
            DateTimeOffset.FromUnixTimeSeconds(exp));
    }
}
