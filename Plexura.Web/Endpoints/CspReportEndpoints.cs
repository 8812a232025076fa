using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Plexura.Web.Endpoints;

/// <summary>Receives the browser's Content-Security-Policy violation reports (the policy's <c>report-uri</c>).</summary>
/// <remarks>
/// Anyone can post here, so the body is capped, the endpoint is rate-limited per client address, and only two
/// sanitised values are logged: the violated directive and the origin (scheme and host) of the blocked resource.
/// Full URLs are never logged: a page URL can carry identifiers, and the body is untrusted.
/// </remarks>
public static class CspReportEndpoints
{
    public const string Route = "/api/v1/csp-reports";
    public const string RateLimitPolicy = "csp-reports";
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly string[] ContentTypes = ["application/csp-report", "application/json", "application/reports+json"];

    /// <summary>Maps <c>POST /api/v1/csp-reports</c>.</summary>
    public static IEndpointRouteBuilder MapCspReportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/csp-reports").WithTags("Security").RequireRateLimiting(RateLimitPolicy);
        group.MapPost("/", ReceiveAsync)
            .WithName("ReceiveCspReport")
            .WithSummary("Records a Content-Security-Policy violation report.")
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Accepts<JsonElement>(ContentTypes[0], ContentTypes[1..])
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';', 2)[0].Trim();
        if (mediaType is null || !ContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send application/csp-report or application/json.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            return TooLarge();
        }

        string? directive;
        string? blocked;
        try
        {
            using var json = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = 16 });
            if (!TryReadViolation(json.RootElement, out directive, out blocked))
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid report", "The body is not a CSP violation report.");
            }
        }
        catch (JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid report", "The body is not valid JSON.");
        }

        loggerFactory.CreateLogger(typeof(CspReportEndpoints).FullName!)
            .LogWarning("CSP violation of {Directive}, blocked {BlockedOrigin}", SafeDirective(directive), SafeOrigin(blocked));
        return TypedResults.NoContent();
    }

    /// <summary>Reads the legacy <c>report-uri</c> shape and the Reporting API shape (first report of a batch).</summary>
    private static bool TryReadViolation(JsonElement root, out string? directive, out string? blocked)
    {
        directive = blocked = null;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("csp-report", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
        {
            directive = Text(legacy, "effective-directive") ?? Text(legacy, "violated-directive");
            blocked = Text(legacy, "blocked-uri");
            return true;
        }

        var report = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
        if (report.ValueKind == JsonValueKind.Object && report.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object)
        {
            directive = Text(body, "effectiveDirective");
            blocked = Text(body, "blockedURL");
            return true;
        }

        return false;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A directive name is a short lowercase token; anything else is logged as "unknown" (no log forging).</summary>
    private static string SafeDirective(string? directive)
    {
        var token = directive?.Split(' ', 2)[0];
        return token is { Length: > 0 and <= 40 } && token.All(c => c is (>= 'a' and <= 'z') or '-') ? token : "unknown";
    }

    /// <summary>Only scheme and host of a blocked URL, or a short keyword such as <c>inline</c> or <c>eval</c>.</summary>
    private static string SafeOrigin(string? blocked)
    {
        if (string.IsNullOrEmpty(blocked))
        {
            return "none";
        }

        if (Uri.TryCreate(blocked, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ws" or "wss")
        {
            return $"{uri.Scheme}://{uri.Host}";
        }

        var keyword = blocked.Split(':', 2)[0];
        return keyword is { Length: > 0 and <= 20 } && keyword.All(char.IsAsciiLetterLower) ? keyword : "other";
    }

    private static ProblemHttpResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Report too large", $"Reports are limited to {MaxBodyBytes} bytes.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
