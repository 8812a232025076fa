using Microsoft.Extensions.Logging;
using Plexura.Core.Email;
using Plexura.Infrastructure.Common;

namespace Plexura.Infrastructure.Email;

/// <summary>The <see cref="IEmailSender"/> use cases get: stores the email in the outbox and wakes the delivery worker.</summary>
/// <remarks>
/// A request writes one outbox record and returns: it never waits on the provider, so its duration says nothing
/// about whether an email went out, and a provider outage costs a delay, not a lost email
/// (<see cref="EmailDeliveryWorker"/> retries). Logs name the kind and outbox id only.
/// </remarks>
internal sealed class EmailQueue(IOutboxRepository outbox, WakeSignal<EmailQueue> signal, TimeProvider time, ILogger<EmailQueue> logger) : IEmailSender
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
