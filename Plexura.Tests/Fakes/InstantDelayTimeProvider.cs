using System.Collections.Concurrent;

namespace Plexura.Tests.Fakes;

/// <summary>
/// A clock for retry tests: timers up to <paramref name="maxInstantDelay"/> (backoff delays) fire at once and are
/// recorded, so tests assert the delays without waiting for them; longer timers (timeouts) run on the real clock,
/// where a test that answers quickly never reaches them.
/// </summary>
public sealed class InstantDelayTimeProvider(TimeSpan maxInstantDelay) : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    /// <summary>The backoff delays requested, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime <= TimeSpan.Zero || dueTime > maxInstantDelay || period != Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        _delays.Enqueue(dueTime);
        return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
