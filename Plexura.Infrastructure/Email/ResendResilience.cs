using System.Net;
using Polly;

namespace Plexura.Infrastructure.Email;

/// <summary>How long one Resend attempt may take, and how to read the provider's Retry-After.</summary>
/// <remarks>
/// No retries here: the outbox worker retries with its own backoff, durable across restarts, and the same
/// Idempotency-Key on every attempt. Retrying in both places would multiply attempts and hold a claimed message for
/// the whole inner retry loop. The attempt timeout stays well under the worker's lease
/// (<see cref="Configuration.EmailOptions.LeaseDuration"/>), so a slow attempt ends before another worker may take over.
/// </remarks>
internal static class ResendResilience
{
    public const string PipelineName = "resend";

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder) => builder.AddTimeout(AttemptTimeout);

    /// <summary>The server's Retry-After on a 429 or 503 (seconds or date), or null.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        var header = response.Headers.RetryAfter;
        var delay = header?.Delta
            ?? (header?.Date is { } date ? date - (response.Headers.Date ?? DateTimeOffset.UtcNow) : null);
        return delay is { } d && d >= TimeSpan.Zero ? d : null;
    }
}
