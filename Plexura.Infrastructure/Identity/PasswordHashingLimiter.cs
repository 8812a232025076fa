using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Plexura.Core.Common;
using Plexura.Infrastructure.Configuration;

namespace Plexura.Infrastructure.Identity;

/// <summary>Runs password hashing work at most <see cref="AuthOptions.MaxConcurrentPasswordHashes"/> at a time.</summary>
/// <remarks>
/// One limiter for the whole process (a singleton), built on the framework's <see cref="ConcurrencyLimiter"/>: work
/// beyond the limit waits in a first-come queue of <see cref="AuthOptions.PasswordHashQueueLimit"/>; beyond that it is
/// refused at once with <see cref="ServiceBusyException"/>, which costs nothing, so a flood of guesses is shed instead
/// of queueing without bound while signed-in users wait behind it.
/// </remarks>
internal sealed class PasswordHashingLimiter : IDisposable
{
    /// <summary>What a refused client is told to wait.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrencyLimiter _limiter;

    public PasswordHashingLimiter(IOptions<AuthOptions> options)
        : this(options?.Value.MaxConcurrentPasswordHashes ?? throw new ArgumentNullException(nameof(options)), options.Value.PasswordHashQueueLimit)
    {
    }

    internal PasswordHashingLimiter(int permits, int queueLimit)
    {
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            QueueLimit = Math.Max(0, queueLimit),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The limiter's counters (for tests and metrics).</summary>
    public RateLimiterStatistics? Statistics => _limiter.GetStatistics();

    /// <summary>Runs <paramref name="work"/> once a slot is free; throws <see cref="ServiceBusyException"/> when the queue is full.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var lease = await _limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired)
        {
            throw new ServiceBusyException(ServiceBusyException.PasswordHashingMessage, RetryAfter);
        }

        return work();
    }

    public void Dispose() => _limiter.Dispose();
}
