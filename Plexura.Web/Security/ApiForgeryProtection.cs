using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Plexura.Core.Common;
using Plexura.Web.Security.Authentication;

namespace Plexura.Web.Security;

/// <summary>Refuses a cookie-authenticated change to <c>/api</c> that does not prove it comes from the app's own pages.</summary>
/// <remarks>
/// SameSite=Strict only keeps other <em>sites</em> from sending the cookie: a page on the same site but another origin
/// (another port of the host, a sibling subdomain) still gets it sent, and a <c>no-cors</c> fetch or a form post needs
/// no CORS permission to change something. So every unsafe method (anything but GET, HEAD, OPTIONS, TRACE) that the
/// cookie signs in must (1) carry the framework's antiforgery token in <see cref="HeaderName"/>, which only a page of
/// this origin can read and which a <c>no-cors</c> request or a form cannot set, (2) not name another <c>Origin</c>, and
/// (3) not be marked by the browser as anything but <c>Sec-Fetch-Site: same-origin</c>. The header checks are defence
/// in depth for browsers that send them; the token is the check no cross-origin request can pass.
/// A request with <c>Authorization: Bearer</c> is not affected: a browser never adds that header by itself, so a
/// forged request cannot carry it (the token is read first, see <see cref="TokenAuthenticationHandler.ReadToken"/>).
/// Requests that are not signed in are left to the endpoint's own policy (401) or are anonymous by design (sign-in,
/// CSP reports): there is no session to abuse. A refusal is 403 ProblemDetails and audited like a policy refusal.
/// Runs after authentication (it must know how the request signed in) and before authorization and the endpoint.
/// </remarks>
public sealed class ApiForgeryProtectionMiddleware(RequestDelegate next, IAntiforgery antiforgery, IOptions<AppOptions> app)
{
    /// <summary>The request header that carries the antiforgery token (also set as <c>AntiforgeryOptions.HeaderName</c>).</summary>
    public const string HeaderName = "X-CSRF-TOKEN";

    /// <summary>The value recorded as the refusal's policy in the audit event.</summary>
    public const string AuditPolicy = "antiforgery";

    private readonly string _baseOrigin = OriginOf(app.Value.BaseUrl);

    public async Task InvokeAsync(HttpContext context, RouteRefusalAudit refusals, IProblemDetailsService problems)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api") || !IsUnsafe(request.Method) || !IsCookieAuthenticated(context)
            || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(context);
            return;
        }

        var failure = ForeignOrigin(request) ?? CrossSiteFetch(request) ?? await MissingTokenAsync(context);
        if (failure is null)
        {
            await next(context);
            return;
        }

        await AuditAsync(context, refusals, failure);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.Headers.CacheControl = "no-store";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Request refused",
                Detail = "This request did not come from a Plexura page. Reload the page and try again.",
            },
        });
    }

    /// <summary>Whether the request signed in with the cookie (no Bearer header) and the session is valid.</summary>
    internal static bool IsCookieAuthenticated(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && !context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private string? ForeignOrigin(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(HeaderNames.Origin, out var values))
        {
            return null;
        }

        var origin = values.ToString().TrimEnd('/');
        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || string.Equals(origin, _baseOrigin, StringComparison.OrdinalIgnoreCase)
            ? null
            : "origin";
    }

    private static string? CrossSiteFetch(HttpRequest request) =>
        request.Headers.TryGetValue("Sec-Fetch-Site", out var site) && !string.Equals(site.ToString(), "same-origin", StringComparison.OrdinalIgnoreCase)
            ? "sec-fetch-site"
            : null;

    private async Task<string?> MissingTokenAsync(HttpContext context) =>
        await antiforgery.IsRequestValidAsync(context) ? null : "token";

    private static Task AuditAsync(HttpContext context, RouteRefusalAudit refusals, string failure)
    {
        var endpoint = context.GetEndpoint();
        var target = endpoint is RouteEndpoint route
            ? $"{context.Request.Method} {route.RoutePattern.RawText}"
            : $"{context.Request.Method} {context.Request.Path}";
        var client = new ClientContext();
        client.Set(context);
        return refusals.RecordAsync(context.User, "endpoint", target, AuditPolicy, $"forgery-{failure}", client.Current, context.RequestAborted);
    }

    private static string OriginOf(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : string.Empty;
}
