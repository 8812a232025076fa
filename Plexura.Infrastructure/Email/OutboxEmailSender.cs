using Microsoft.Extensions.Logging;
using Plexura.Core.Email;

namespace Plexura.Infrastructure.Email;

/// <summary>Keeps email in the storage outbox instead of sending it: the sender when no Resend key is configured.</summary>
/// <remarks>
/// A developer reads invitations and reset links from the outbox page; nothing leaves the machine. The log line names
/// the kind and outbox id only, like the real sender.
/// </remarks>
internal sealed class OutboxEmailSender(IOutboxRepository outbox, TimeProvider time, ILogger<OutboxEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        var stored = new OutboxMessage(Guid.CreateVersion7(now), message.To, message.Subject, message.TextBody, message.HtmlBody, message.Kind, now);
        await outbox.AddAsync(stored, ct);
        logger.LogWarning("No Resend API key configured: kept a {Kind} email in the development outbox as {OutboxId}", message.Kind, stored.Id);
    }
}
