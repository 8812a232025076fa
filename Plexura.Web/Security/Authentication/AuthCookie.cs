using Plexura.Core.Identity;

namespace Plexura.Web.Security.Authentication;

/// <summary>The browser's copy of its token: an HttpOnly, Secure, SameSite=Strict, host-only cookie.</summary>
/// <remarks>
/// HttpOnly keeps the token from scripts (an injected script cannot steal it); Secure keeps it off plain HTTP
/// (browsers treat <c>localhost</c> as secure, so development works); SameSite=Strict keeps other sites from
/// making the browser send it (CSRF); the <c>__Host-</c> prefix makes the browser refuse a cookie of this name
/// that is not Secure, has a Domain or another Path, so a sibling subdomain cannot plant one. The cookie expires
/// with the token and is never renewed: the sign-in lasts exactly the token's 120 minutes.
/// </remarks>
public static class AuthCookie
{
    public const string Name = "__Host-plexura";

    /// <summary>Stores <paramref name="token"/> in the browser until it expires.</summary>
    public static void Append(HttpResponse response, IssuedToken token)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(token);
        response.Cookies.Append(Name, token.Value, Options(token.ExpiresAt));
    }

    /// <summary>Removes the token from the browser.</summary>
    public static void Delete(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(Name, Options(null));
    }

    private static CookieOptions Options(DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
