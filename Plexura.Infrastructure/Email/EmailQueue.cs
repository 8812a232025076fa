using Microsoft.Extensions.Logging;
using Plexura.Core.Email;

namespace Plexura.Infrastructure.Email;

/// <summary>The <see cref="IEmailSender"/> use cases get: stores the email in the outbox and wakes the delivery worker.</summary>
/// <remarks>
/// A request writes one outbox record and returns: it never waits on the provider, so its duration says nothing
/// about whether an email went out, and a provider outage costs a delay, not a lost email
/// (<see cref="EmailDeliveryWorker"/> retries). Logs name the kind and outbox id only.
/// </remarks>
internal sealed class EmailQueue(IOutboxRepository outbox, EmailQueueSignal signal, TimeProvider time, ILogger<EmailQueue> logger) : IEmailSender
{
    public async Task EnqueueAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.IdempotencyKey) || message.IdempotencyKey.Length > EmailMessage.MaxIdempotencyKeyLength)
        {
            throw new ArgumentException($"The idempotency key must be 1-{EmailMessage.MaxIdempotencyKeyLength} characters.", nameof(message));
        }

        var stored = OutboxMessage.Queue(message, time.GetUtcNow());
        await outbox.AddAsync(stored, ct);
        signal.Notify();
        logger.LogDebug("Queued a {Kind} email as {OutboxId}", message.Kind, stored.Id);
    }

    public async Task SuppressAsync(string kind, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var stored = OutboxMessage.Suppressed(kind, time.GetUtcNow());
        await outbox.AddAsync(stored, ct);
        signal.Notify();
        logger.LogDebug("Queued a {Kind} email as {OutboxId}", kind, stored.Id);
    }
}

/// <summary>Wakes the delivery worker when mail is queued in this process (other instances find it by polling).</summary>
internal sealed class EmailQueueSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    /// <summary>Marks that mail is waiting; several notifications before the worker wakes count as one.</summary>
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
