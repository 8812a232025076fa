using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Common;
using Plexura.Core.Identity.CompleteMfaSignIn;
using Plexura.Core.Identity.SignIn;
using Plexura.Core.Identity.SignOut;
using Plexura.Web.Security;
using Plexura.Web.Security.Authentication;
using SignInResult = Plexura.Core.Identity.SignIn.SignInResult;

namespace Plexura.Web.Endpoints;

/// <summary>Token request body.</summary>
/// <param name="Email">The account's email.</param>
/// <param name="Password">The account's password.</param>
public sealed record TokenRequest(string? Email, string? Password)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(TokenRequest)} {{ Password = *** }}";
}

/// <summary>Second-factor request body.</summary>
/// <param name="Challenge">The challenge from the 401 answer to the password step.</param>
/// <param name="Code">A TOTP code or a recovery code.</param>
public sealed record TokenMfaRequest(string? Challenge, string? Code)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(TokenMfaRequest)} {{ Challenge = ***, Code = *** }}";
}

/// <summary>An issued token for API clients (the browser extension).</summary>
/// <param name="AccessToken">The signed JWT; send it as <c>Authorization: Bearer</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresAt">When it stops working; it is never extended.</param>
/// <param name="PracticeId">The practice the session entered, or null when the user must choose one.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, PracticeId? PracticeId);

/// <summary>The antiforgery request token a page's scripts send with every change they make through <c>/api</c>.</summary>
/// <param name="Token">The request token.</param>
/// <param name="HeaderName">The header to send it in.</param>
public sealed record AntiforgeryTokenResponse(string Token, string HeaderName);

/// <summary>Who the token belongs to.</summary>
public sealed record MeResponse(UserId UserId, string Email, PracticeId? PracticeId, string? Role, DateTimeOffset ExpiresAt);

/// <summary>Sign-in for API clients and sign-out for browsers and API clients.</summary>
/// <remarks>
/// The token endpoint runs the same use case as the sign-in page, so lockout, no-enumeration and auditing are
/// identical, and it is rate-limited by the same per-IP policy. A wrong password or unknown email is 401 with one
/// message; a locked account is 429 with <c>Retry-After</c> until the lock ends.
/// </remarks>
public static class AuthEndpoints
{
    public const string SignOutPath = "/account/sign-out";
    private const int MaxBodyBytes = 8 * 1024;

    /// <summary>Maps <c>POST /api/v1/auth/token</c>, <c>POST /api/v1/auth/sign-out</c>, <c>GET /api/v1/me</c> (under the api group).</summary>
    public static IEndpointRouteBuilder MapAuthApiEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/v1").WithTags("Authentication");
        group.MapPost("/auth/token", IssueTokenAsync)
            .WithName("IssueToken")
            .WithSummary("Signs in with email and password and returns a 120-minute Bearer token.")
            .AsSignInStep();
        group.MapPost("/auth/token/mfa", CompleteMfaAsync)
            .WithName("IssueTokenWithSecondFactor")
            .WithSummary("Completes a sign-in that needs a second factor: the challenge from the password step and a code.")
            .AsSignInStep();
        group.MapPost("/auth/sign-out", SignOutApiAsync)
            .WithName("SignOut")
            .WithSummary("Revokes the session of the presented token.")
            .RequireAuthorization(Policies.SignedIn);
        group.MapGet("/antiforgery-token", AntiforgeryToken)
            .WithName("GetAntiforgeryToken")
            .WithSummary("The antiforgery token a signed-in page sends in X-CSRF-TOKEN with every change it makes through the API.")
            .RequireAuthorization(Policies.SignedIn)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("The signed-in user of the presented token.")
            .RequireAuthorization(Policies.SignedIn);
        return api;
    }

    /// <summary>What every sign-in step shares: anonymous, limited per IP like the sign-in page, a small body, its problems.</summary>
    private static RouteHandlerBuilder AsSignInStep(this RouteHandlerBuilder endpoint) => endpoint
        .AllowAnonymous()
        .RequireRateLimiting(RateLimits.SignIn)
        .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>Maps the browser's <c>POST /account/sign-out</c> (a form with an antiforgery token).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SignOutPath, SignOutBrowserAsync)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
        return endpoints;
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest? request, SignInHandler handler, ClientContext client, TimeProvider time, HttpResponse response, CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.Problem(title: "Invalid request", detail: "Send an email and a password.", statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await handler.HandleAsync(new SignInCommand(request.Email, request.Password), client.Current, ct);
        return TokenResult(result, time, response);
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> CompleteMfaAsync(
        TokenMfaRequest? request, CompleteMfaSignInHandler handler, ClientContext client, TimeProvider time, HttpResponse response, CancellationToken ct)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Challenge) || string.IsNullOrWhiteSpace(request.Code))
        {
            return TypedResults.Problem(title: "Invalid request", detail: "Send the challenge and a code.", statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await handler.HandleAsync(new CompleteMfaSignInCommand(request.Challenge, request.Code), client.Current, ct);
        return TokenResult(result, time, response);
    }

    /// <remarks>
    /// A right password for an account with a second factor is 401 with <c>mfaRequired</c> and a single-use,
    /// five-minute challenge to send with the code to <c>/auth/token/mfa</c>: no token exists before the code.
    /// </remarks>
    private static Results<Ok<TokenResponse>, ProblemHttpResult> TokenResult(SignInResult result, TimeProvider time, HttpResponse response)
    {
        switch (result)
        {
            case SignInResult.Success success:
                response.Headers.CacheControl = "no-store";
                return TypedResults.Ok(new TokenResponse(success.Token.Value, "Bearer", success.Token.ExpiresAt, success.EnteredPractice?.PracticeId));
            case SignInResult.LockedOut locked:
                var seconds = Math.Max(1, (int)Math.Ceiling((locked.Until - time.GetUtcNow()).TotalSeconds));
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    title: "Account locked",
                    detail: "Too many failed attempts. Try again later.",
                    statusCode: StatusCodes.Status429TooManyRequests);
            case SignInResult.MfaRequired mfa:
                response.Headers.CacheControl = "no-store";
                return TypedResults.Problem(
                    title: "Second factor required",
                    detail: "Send a code from the authenticator app with this challenge to /api/v1/auth/token/mfa.",
                    statusCode: StatusCodes.Status401Unauthorized,
                    extensions: new Dictionary<string, object?> { ["mfaRequired"] = true, ["challenge"] = mfa.Challenge });
            case SignInResult.InvalidCode:
                return TypedResults.Problem(title: "Sign-in failed", detail: SignInResult.InvalidCodeMessage, statusCode: StatusCodes.Status401Unauthorized);
            case SignInResult.ChallengeExpired:
                return TypedResults.Problem(title: "Sign-in failed", detail: SignInResult.ChallengeExpiredMessage, statusCode: StatusCodes.Status401Unauthorized);
            default:
                return TypedResults.Problem(title: "Sign-in failed", detail: SignInResult.FailedMessage, statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    internal static async Task<NoContent> SignOutApiAsync(SignOutHandler handler, ClientContext client, CancellationToken ct)
    {
        await handler.HandleAsync(new SignOutCommand(), client.Current, ct);
        return TypedResults.NoContent();
    }

    internal static Ok<MeResponse> Me(CurrentUser user) =>
        TypedResults.Ok(new MeResponse(user.UserId, user.Email!, user.PracticeId, user.Role?.ToString(), user.ExpiresAt!.Value));

    /// <remarks>
    /// Only a page of this origin can read the answer: the API's CORS policy never allows credentials, and a browser
    /// that says the request comes from elsewhere (<c>Sec-Fetch-Site</c>) is refused outright. The token is bound to
    /// the signed-in user, so it is worthless in another session. See <see cref="ApiForgeryProtectionMiddleware"/>.
    /// </remarks>
    internal static Results<Ok<AntiforgeryTokenResponse>, ProblemHttpResult> AntiforgeryToken(HttpContext context, IAntiforgery antiforgery)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (context.Request.Headers.TryGetValue("Sec-Fetch-Site", out var site) && !string.Equals(site.ToString(), "same-origin", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(title: "Request refused", detail: "Only Plexura's own pages may ask for this token.", statusCode: StatusCodes.Status403Forbidden);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryTokenResponse(tokens.RequestToken!, ApiForgeryProtectionMiddleware.HeaderName));
    }

    /// <remarks>
    /// A minimal-API endpoint that binds no form enforces no antiforgery by itself (the metadata only makes the
    /// middleware check and record the result), so the result is enforced here (or the token validated, should the
    /// middleware not have run): without it another origin of the same
    /// site could end the session with a bare form post. A request that is not signed in ends nothing, so it only
    /// drops the cookie and goes to sign-in (a stale page after the session ended elsewhere still works).
    /// </remarks>
    internal static async Task<Results<RedirectHttpResult, ProblemHttpResult>> SignOutBrowserAsync(
        HttpContext context, IAntiforgery antiforgery, SignOutHandler handler, CurrentUser user, ClientContext client, CancellationToken ct)
    {
        if (user.IsAuthenticated)
        {
            var checkedByMiddleware = context.Features.Get<IAntiforgeryValidationFeature>();
            if (!(checkedByMiddleware?.IsValid ?? await antiforgery.IsRequestValidAsync(context)))
            {
                return TypedResults.Problem(
                    title: "Request refused",
                    detail: "This sign-out did not come from a Plexura page. Use the sign-out button.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            await handler.HandleAsync(new SignOutCommand(), client.Current, ct);
        }

        AuthCookie.Delete(context.Response);
        return TypedResults.Redirect($"{TokenAuthenticationHandler.SignInPath}?reason=signed-out");
    }
}
