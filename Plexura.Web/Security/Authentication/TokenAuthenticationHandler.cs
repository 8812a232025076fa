using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Plexura.Core.Identity;

namespace Plexura.Web.Security.Authentication;

/// <summary>Authenticates a request by its token: the <c>Authorization: Bearer</c> header (API clients) or the cookie (browser).</summary>
/// <remarks>
/// A request is signed in only when the token is valid (signature, issuer, audience, HS256, not expired) AND its
/// server-side session is still active: sign-out, sign-out-everywhere, a reset, a role change or a removal end the
/// session, and with it every token naming it, at once. An unauthenticated page request is sent to sign-in with a
/// local return path; an unauthenticated API request gets 401 ProblemDetails. Why a token was refused is logged as
/// a code, never the token.
/// </remarks>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ITokenService tokens,
    SessionValidator sessions,
    IProblemDetailsService problemDetails,
    RouteRefusalAudit refusals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Plexura";
    public const string SignInPath = "/account/sign-in";
    public const string AccessDeniedPath = "/access-denied";
    private const int MaxTokenLength = 4096;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (token.Length > MaxTokenLength)
        {
            return AuthenticateResult.Fail("token-too-long");
        }

        var validation = await tokens.ValidateAsync(token, Context.RequestAborted);
        if (validation.Claims is not { } claims)
        {
            Logger.LogInformation("Token refused: {Reason}", validation.Failure);
            return AuthenticateResult.Fail($"token-{validation.Failure}");
        }

        var session = await sessions.ValidateAsync(claims, Context.RequestAborted);
        if (!session.IsValid)
        {
            Logger.LogInformation("Session {SessionId} refused: {Reason}", claims.Subject.SessionId, session.Failure);
            return AuthenticateResult.Fail($"session-{session.Failure}");
        }

        var principal = PlexuraPrincipal.From(claims);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsApi(Request))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Bearer";
            await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Not signed in", "Sign in to continue.");
            return;
        }

        if (Request.Cookies.ContainsKey(AuthCookie.Name))
        {
            // The cookie's token was refused (expired or revoked): drop it so the browser stops sending it.
            AuthCookie.Delete(Response);
        }

        Response.Redirect(SignInPath + QueryString.Create("returnUrl", LocalReturnUrl(Request)));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await AuditRefusalAsync();
        if (IsApi(Request))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "You do not have permission to do this.");
            return;
        }

        Response.Redirect(AccessDeniedPath);
    }

    /// <summary>Records the policy refusal with the route's pattern (ids as placeholders) and the policies it carries.</summary>
    private async Task AuditRefusalAsync()
    {
        var endpoint = Context.GetEndpoint();
        var target = endpoint is RouteEndpoint route ? $"{Request.Method} {route.RoutePattern.RawText}" : $"{Request.Method} {Request.Path}";
        var policies = endpoint?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .Select(a => a.Policy).Where(p => !string.IsNullOrEmpty(p)).Distinct(StringComparer.Ordinal);
        var client = new ClientContext();
        client.Set(Context);
        await refusals.RecordAsync(Context.User, IsApi(Request) ? "endpoint" : "page", target, policies is null ? null : string.Join(',', policies), client.Current, Context.RequestAborted);
    }

    /// <summary>The token a request carries: the Bearer header first, then the cookie.</summary>
    internal static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var bearer = header["Bearer ".Length..].Trim();
            return bearer.Length == 0 ? null : bearer;
        }

        return request.Cookies.TryGetValue(AuthCookie.Name, out var cookie) && !string.IsNullOrWhiteSpace(cookie) ? cookie : null;
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static string LocalReturnUrl(HttpRequest request)
    {
        var url = request.PathBase + request.Path + request.QueryString;
        return ReturnUrl.IsLocal(url) ? url : "/";
    }

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.Headers[HeaderNames.CacheControl] = "no-store";
        return problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
