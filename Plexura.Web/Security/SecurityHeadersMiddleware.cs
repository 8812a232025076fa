namespace Plexura.Web.Security;

/// <summary>Adds the browser security headers to every response: pages, static files, errors and health.</summary>
/// <remarks>
/// Registered first in the pipeline and written in <c>OnStarting</c>, so a response produced by any later
/// middleware (including the exception handler and status-code pages) still carries them.
/// The policy allows no inline or remote script: Blazor Server and MudBlazor only need our own files.
/// Inline styles stay allowed because MudBlazor sets <c>style</c> attributes and a theme <c>&lt;style&gt;</c> block.
/// </remarks>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; " +
        "object-src 'none'; report-uri " + Endpoints.CspReportEndpoints.Route;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
