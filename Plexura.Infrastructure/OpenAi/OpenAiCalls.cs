using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using OpenAI;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.OpenAi;

/// <summary>What every call to OpenAI shares: the client options, and how a failed attempt is classified.</summary>
/// <remarks>
/// One call is one attempt: the SDK's own retries are switched off, because the durable job retries with backoff and
/// a second, hidden retry loop would multiply the load on a provider that asked us to slow down.
/// </remarks>
internal static class OpenAiCalls
{
    /// <summary>The longest wait a Retry-After header may ask for.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(24);

    /// <summary>The SDK options for <paramref name="current"/>: no SDK retries, the configured timeout and endpoint.</summary>
    public static OpenAIClientOptions ClientOptions(OpenAiOptions current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = current.Timeout,
        };
        if (!string.IsNullOrWhiteSpace(current.Endpoint))
        {
            clientOptions.Endpoint = new Uri(current.Endpoint);
        }

        return clientOptions;
    }

    /// <summary>
    /// A failed attempt, by its HTTP status (0 for a network error or timeout): 429, 408, 409, 5xx and network errors
    /// are transient, with the wait the response asks for (Retry-After, else retry-after-ms); other statuses are not.
    /// </summary>
    /// <param name="status">The response's status, or 0 when there was none.</param>
    /// <param name="response">The response, when there was one.</param>
    /// <param name="now">The current time, for a Retry-After given as a date.</param>
    /// <param name="rateLimitedCode">The code for 429 (each caller names its own).</param>
    /// <param name="networkCode">The code for a network error or timeout.</param>
    public static Attempt Classify(int status, PipelineResponse? response, DateTimeOffset now, string rateLimitedCode, string networkCode)
    {
        if (status == 0)
        {
            return new Attempt(true, null, networkCode);
        }

        var code = status == (int)HttpStatusCode.TooManyRequests ? rateLimitedCode : $"http-{status}";
        var transient = status is (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.RequestTimeout
            or (int)HttpStatusCode.Conflict or >= 500;
        TimeSpan? retryAfter = null;
        if (transient && response is not null)
        {
            retryAfter = response.Headers.TryGetValue("Retry-After", out var header) ? ParseRetryAfter(header, now) : null;
            if (retryAfter is null && response.Headers.TryGetValue("retry-after-ms", out var ms)
                && double.TryParse(ms, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var millis))
            {
                retryAfter = TimeSpan.FromMilliseconds(Math.Min(millis, LongestWait.TotalMilliseconds));
            }
        }

        return new Attempt(transient, retryAfter, code);
    }

    /// <summary>The wait a Retry-After header asks for: delta-seconds or an HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds <= LongestWait.TotalSeconds ? TimeSpan.FromSeconds(seconds) : LongestWait;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>How a failed attempt is to be treated.</summary>
    /// <param name="IsTransient">Whether trying again later may succeed.</param>
    /// <param name="RetryAfter">The wait the provider asked for, if any.</param>
    /// <param name="Code">A fixed code naming the failure (never text from the response).</param>
    internal readonly record struct Attempt(bool IsTransient, TimeSpan? RetryAfter, string Code);
}
