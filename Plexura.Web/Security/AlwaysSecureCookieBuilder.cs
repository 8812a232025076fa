namespace Plexura.Web.Security;

/// <summary>The antiforgery cookie: <c>__Host-</c>, Secure, HttpOnly, SameSite=Strict, path <c>/</c>, no domain.</summary>
/// <remarks>
/// <c>CookieSecurePolicy.Always</c> would make the antiforgery system throw on every plain-HTTP request, and the app
/// legitimately sees plain HTTP on <c>http://localhost</c> in development and behind a TLS-terminating proxy that is not
/// (yet) trusted. Marking the cookie Secure here instead matches the sign-in cookie (<c>AuthCookie</c>): browsers treat
/// localhost as secure, and anywhere else the app is only reachable over HTTPS. The <c>__Host-</c> prefix makes the
/// browser refuse a cookie of this name planted by a sibling subdomain or over HTTP.
/// </remarks>
public sealed class AlwaysSecureCookieBuilder : CookieBuilder
{
    public const string CookieName = "__Host-plexura-af";

    public AlwaysSecureCookieBuilder()
    {
        Name = CookieName;
        Path = "/";
        HttpOnly = true;
        SameSite = SameSiteMode.Strict;
        IsEssential = true;
        SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }

    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        var options = base.Build(context, expiresFrom);
        options.Secure = true;
        return options;
    }
}
