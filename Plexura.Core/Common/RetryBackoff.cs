namespace Plexura.Core.Common;

/// <summary>The wait before a retry, shared by the email queue and the job queue.</summary>
public static class RetryBackoff
{
    /// <summary>
    /// Base × 2^(attempt − 1), capped at <paramref name="maxDelay"/>, with "equal jitter" (half fixed, half random) so
    /// instances that failed together do not retry together; never shorter than the service's Retry-After, which is
    /// itself capped at <paramref name="maxDelay"/>.
    /// </summary>
    /// <param name="attempt">The attempt that just failed, from 1.</param>
    /// <param name="retryAfter">The wait the remote service asked for, if any.</param>
    /// <param name="baseDelay">The wait after the first failure (before jitter).</param>
    /// <param name="maxDelay">The longest wait.</param>
    /// <param name="random">A number in [0, 1) choosing the jitter (<see cref="Random.Shared"/> when null).</param>
    public static TimeSpan Compute(int attempt, TimeSpan? retryAfter, TimeSpan baseDelay, TimeSpan maxDelay, double? random = null)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), maxDelay.Ticks));
        var delay = (ceiling / 2) + (ceiling / 2 * Math.Clamp(random ?? Random.Shared.NextDouble(), 0, 1));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < maxDelay ? asked : maxDelay;
        }

        return delay;
    }
}
