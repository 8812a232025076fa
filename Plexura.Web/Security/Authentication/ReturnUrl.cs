namespace Plexura.Web.Security.Authentication;

/// <summary>Checks where a page may send the browser after sign-in.</summary>
/// <remarks>
/// Only a path on this site is accepted (<c>/x</c>, not <c>//evil.example</c> nor <c>/\evil.example</c> nor an absolute
/// URL): an attacker's link to sign-in must not turn Plexura into an open redirect to a look-alike site.
/// </remarks>
public static class ReturnUrl
{
    /// <summary>Whether <paramref name="url"/> is a path on this site.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url.Length <= 2048
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    /// <summary><paramref name="url"/> when it is local, else the home page.</summary>
    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}
