using Microsoft.Extensions.Logging;
using Plexura.Core.Email;

namespace Plexura.Infrastructure.Email;

/// <summary>Hands one email to the outside world, once, without retrying (the outbox worker owns retries).</summary>
internal interface IEmailTransport
{
    /// <summary>Whether a delivered message keeps its subject and bodies in the outbox (only the development outbox shows them).</summary>
    bool KeepsContent { get; }

    /// <summary>Delivers <paramref name="message"/>.</summary>
    /// <exception cref="EmailDeliveryException">The provider refused the message or could not be reached.</exception>
    Task DeliverAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>The transport when no Resend key is configured: the queued record itself is the delivered mail.</summary>
/// <remarks>
/// A developer reads invitations and reset links on the development outbox page; nothing leaves the machine. The log
/// line names the kind only, like the real transport.
/// </remarks>
internal sealed class DevelopmentOutboxTransport(ILogger<DevelopmentOutboxTransport> logger) : IEmailTransport
{
    public bool KeepsContent => true;

    public Task DeliverAsync(EmailMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        logger.LogWarning("No Resend API key configured: a {Kind} email stays in the development outbox", message.Kind);
        return Task.CompletedTask;
    }
}
