namespace Plexura.Infrastructure.Common;

/// <summary>
/// Wakes a queue's background worker when work is queued in this process (other instances find it by polling).
/// One singleton per queue, told apart by <typeparamref name="TQueue"/>.
/// </summary>
/// <typeparam name="TQueue">The queue that signals.</typeparam>
internal sealed class WakeSignal<TQueue> : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    /// <summary>Marks that work is waiting; several notifications before the worker wakes count as one.</summary>
    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/> on <paramref name="time"/>'s clock, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _pending.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Timed out: time to poll.
        }
    }

    public void Dispose() => _pending.Dispose();
}
