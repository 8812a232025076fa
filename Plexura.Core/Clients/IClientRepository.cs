using Plexura.Core.Common;

namespace Plexura.Core.Clients;

/// <summary>Stores clients. Every method is scoped to one practice; another practice's client is "not found".</summary>
public interface IClientRepository
{
    /// <summary>Adds a new client (version 0); <see cref="DuplicateRecordException"/> on a reused id.</summary>
    Task AddAsync(PracticeId practiceId, Client client, CancellationToken ct);

    /// <summary>The client, or null when it does not exist in this practice.</summary>
    Task<Client?> GetAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);

    /// <summary>Replaces the client if its version is current; returns it with the new version.</summary>
    /// <exception cref="RecordNotFoundException">No such client in this practice.</exception>
    /// <exception cref="ConcurrencyConflictException">Someone else changed it first.</exception>
    Task<Client> UpdateAsync(PracticeId practiceId, Client client, CancellationToken ct);

    /// <summary>Clients holding every one of <paramref name="tokens"/>, oldest first, at most <paramref name="limit"/>.</summary>
    /// <param name="practiceId">The practice searched.</param>
    /// <param name="tokens">Query tokens from <see cref="IClientSearchIndexer.QueryTokensAsync"/>; none matches nothing.</param>
    /// <param name="includeArchived">Whether archived clients are included.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="ct">Cancellation.</param>
    Task<IReadOnlyList<Client>> SearchAsync(PracticeId practiceId, IReadOnlyList<string> tokens, bool includeArchived, int limit, CancellationToken ct);

    /// <summary>Every client of the practice that <paramref name="createdBy"/> added, archived ones included, oldest first.</summary>
    Task<IReadOnlyList<Client>> ListCreatedByAsync(PracticeId practiceId, UserId createdBy, CancellationToken ct);

    /// <summary>A page of the practice's clients, oldest first, after <paramref name="after"/> (exclusive) when given.</summary>
    Task<IReadOnlyList<Client>> ListAsync(PracticeId practiceId, ClientId? after, bool includeArchived, int limit, CancellationToken ct);
}
