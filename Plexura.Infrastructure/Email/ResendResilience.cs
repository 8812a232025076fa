using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Plexura.Infrastructure.Email;

/// <summary>How the Resend client retries: exponential backoff with jitter, honouring Retry-After, bounded in time.</summary>
/// <remarks>
/// Retried: 408, 429, 5xx, network errors and attempt timeouts (the standard transient set); never another 4xx,
/// which would fail again identically. Retrying a send is safe only because every attempt carries the same
/// Idempotency-Key. A Retry-After longer than <see cref="MaxDelay"/> is cut to it, and the whole send is bounded by
/// <see cref="TotalTimeout"/>, so a sign-up or reset request never hangs on the email provider.
/// </remarks>
internal static class ResendResilience
{
    public const string PipelineName = "resend";

    /// <summary>First attempt plus three retries.</summary>
    public const int MaxAttempts = 4;

    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(8);

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder)
    {
        builder
            .AddTimeout(TotalTimeout)
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                MaxDelay = MaxDelay,
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            })
            .AddTimeout(AttemptTimeout);
    }

    /// <summary>The server's Retry-After (seconds or date), capped at <see cref="MaxDelay"/>; null to use the backoff.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        var header = response.Headers.RetryAfter;
        var delay = header?.Delta
            ?? (header?.Date is { } date ? date - (response.Headers.Date ?? DateTimeOffset.UtcNow) : null);
        return delay is { } d && d >= TimeSpan.Zero ? (d > MaxDelay ? MaxDelay : d) : null;
    }
}
