using Microsoft.AspNetCore.Http.Metadata;

namespace Plexura.Web.Security;

/// <summary>Refuses a request whose declared body is larger than its endpoint accepts, with 413 ProblemDetails, before anything reads it.</summary>
/// <remarks>
/// Kestrel enforces <see cref="IRequestSizeLimitMetadata"/> while a body streams in; this answers early and clearly for a
/// declared <c>Content-Length</c> on any server. Pages get a small default: every form in the app is a few fields, and
/// a megabyte "sign-in" is an attack, not a user.
/// </remarks>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, IProblemDetailsService problemDetails)
{
    /// <summary>The largest form post a page accepts when its endpoint names no limit.</summary>
    public const long DefaultFormLimit = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? (context.Request.HasFormContentType ? DefaultFormLimit : null);
        if (limit is { } max && context.Request.ContentLength > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = "Request too large", Detail = $"Send at most {max} bytes." },
            });
            return;
        }

        await next(context);
    }
}
