using Plexura.Core.Common;

namespace Plexura.Core.Email;

/// <summary>An email kept by the development outbox instead of being sent.</summary>
/// <param name="Id">The message id.</param>
/// <param name="To">The recipient's address.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="TextBody">The plain-text body.</param>
/// <param name="HtmlBody">The HTML body.</param>
/// <param name="Kind">The short code of the email's purpose.</param>
/// <param name="CreatedAt">When it was "sent".</param>
/// <param name="Version">Optimistic-concurrency version.</param>
[GlobalRecord("Transactional email goes to people before they belong to a practice (sign-up, invitations, resets).")]
public sealed record OutboxMessage(
    Guid Id,
    string To,
    string Subject,
    string TextBody,
    string HtmlBody,
    string Kind,
    DateTimeOffset CreatedAt,
    long Version = 0) : IVersioned;

/// <summary>Stores the development outbox.</summary>
public interface IOutboxRepository
{
    /// <summary>Adds a message.</summary>
    Task AddAsync(OutboxMessage message, CancellationToken ct);

    /// <summary>The message, or null.</summary>
    Task<OutboxMessage?> GetAsync(Guid id, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> messages, newest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListNewestAsync(int limit, CancellationToken ct);
}
