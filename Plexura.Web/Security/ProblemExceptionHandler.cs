using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Plexura.Core.Common;
using Plexura.Core.Notes;
using Plexura.Core.Notes.SignNote;

namespace Plexura.Web.Security;

/// <summary>Turns every exception that escapes a request into a ProblemDetails response.</summary>
/// <remarks>
/// Domain exceptions carry messages written to be shown (they name record types and keys, never values), so
/// they become the detail. Anything else gets a generic detail and a trace id; only the exception type and
/// the trace id are logged, because messages of unexpected exceptions may quote PHI from the request.
/// No stack trace is ever written to the response, in any environment.
/// </remarks>
public sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            RecordNotFoundException e => (StatusCodes.Status404NotFound, "Not found", e.Message),
            ConcurrencyConflictException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            DuplicateRecordException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            AccessDeniedException e => (StatusCodes.Status403Forbidden, "Forbidden", e.Message),
            NotSignedInException e => (StatusCodes.Status401Unauthorized, "Not signed in", e.Message),
            ValidationFailedException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
            NoteStateConflictException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            NoteSigningRefusedException e => (StatusCodes.Status422UnprocessableEntity, "Cannot sign yet", e.Message),
            ServiceBusyException e => (StatusCodes.Status503ServiceUnavailable, "Busy", e.Message),
            BadHttpRequestException e => (e.StatusCode, "Bad request", "The request could not be read."),
            Core.Billing.BillingGatewayException => (StatusCodes.Status502BadGateway, "Stripe unavailable", "Stripe did not answer; try again in a minute."),
            _ => (StatusCodes.Status500InternalServerError, "Server error", "An unexpected error occurred. Quote the trace id when reporting it."),
        };

        var traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        if (exception is ServiceBusyException busy)
        {
            // Shedding load is expected under a burst: tell the client when to come back, and do not log it as a fault.
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds))
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Debug, not Warning: a burst sheds thousands per second and must not flood the logs.
            logger.LogDebug("{ExceptionType} answered {Status} (trace {TraceId})", exception.GetType().Name, status, traceId);
        }
        else if (status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError("Unhandled {ExceptionType} (trace {TraceId})", exception.GetType().FullName, traceId);
        }
        else
        {
            logger.LogInformation("{ExceptionType} answered {Status} (trace {TraceId})", exception.GetType().Name, status, traceId);
        }

        httpContext.Response.StatusCode = status;
        var written = await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
        if (!written)
        {
            // The client accepts no JSON (for example Accept: text/html only): answer in plain text instead.
            await httpContext.Response.WriteAsync($"{title}: {detail} (trace {traceId})", cancellationToken);
        }

        return true;
    }
}
