using Plexura.Core.Clients;
using Plexura.Core.Common;
using Plexura.Core.Consent;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Clients, on any engine. Search and paging run in the engine, from indexes, never by decrypting.</summary>
internal sealed class ClientRepository(IDocumentStore store) : IClientRepository
{
    private static readonly string ArchivedAtField = DocumentFields.Of(nameof(Client.ArchivedAt));
    private static readonly string CreatedByField = DocumentFields.Of(nameof(Client.CreatedBy));

    private readonly IDocumentCollection<Client> _clients = store.Collection(Collections.Clients);

    public Task AddAsync(PracticeId practiceId, Client client, CancellationToken ct) =>
        _clients.InsertAsync(DocumentScope.Practice(practiceId), client, ct);

    public Task<Client?> GetAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        _clients.GetAsync(DocumentScope.Practice(practiceId), clientId.ToString(), ct);

    public Task<Client> UpdateAsync(PracticeId practiceId, Client client, CancellationToken ct) =>
        _clients.ReplaceAsync(DocumentScope.Practice(practiceId), client, ct);

    /// <remarks>No tokens (a query of one letter, or only punctuation) matches nothing rather than everything.</remarks>
    public Task<IReadOnlyList<Client>> SearchAsync(
        PracticeId practiceId, IReadOnlyList<string> tokens, bool includeArchived, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var query = new DocumentPageQuery(limit)
        {
            ArrayField = Collections.ClientSearchTokenIndex.Field,
            ContainsAll = tokens,
            NullField = includeArchived ? null : ArchivedAtField,
        };
        return _clients.FindPageAsync(DocumentScope.Practice(practiceId), query, ct);
    }

    public Task<IReadOnlyList<Client>> ListCreatedByAsync(PracticeId practiceId, UserId createdBy, CancellationToken ct) =>
        _clients.FindManyAsync(DocumentScope.Practice(practiceId), CreatedByField, createdBy.ToString(), ct);

    public Task<IReadOnlyList<Client>> ListAsync(PracticeId practiceId, ClientId? after, bool includeArchived, int limit, CancellationToken ct)
    {
        var query = new DocumentPageQuery(limit)
        {
            AfterId = after?.ToString(),
            NullField = includeArchived ? null : ArchivedAtField,
        };
        return _clients.FindPageAsync(DocumentScope.Practice(practiceId), query, ct);
    }
}

/// <summary>Client consents, on any engine.</summary>
internal sealed class ClientConsentRepository(IDocumentStore store) : IClientConsentRepository
{
    private static readonly string ClientField = DocumentFields.Of(nameof(ClientConsent.ClientId));

    private readonly IDocumentCollection<ClientConsent> _consents = store.Collection(Collections.ClientConsents);

    public Task AddAsync(PracticeId practiceId, ClientConsent consent, CancellationToken ct) =>
        _consents.InsertAsync(DocumentScope.Practice(practiceId), consent, ct);

    public Task<ClientConsent?> GetAsync(PracticeId practiceId, ClientConsentId consentId, CancellationToken ct) =>
        _consents.GetAsync(DocumentScope.Practice(practiceId), consentId.ToString(), ct);

    public Task<IReadOnlyList<ClientConsent>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        _consents.FindManyAsync(DocumentScope.Practice(practiceId), ClientField, clientId.ToString(), ct);

    public async Task<bool> AnyAsync(PracticeId practiceId, CancellationToken ct) =>
        (await _consents.FindPageAsync(DocumentScope.Practice(practiceId), new DocumentPageQuery(1), ct)).Count > 0;

    public Task<ClientConsent> UpdateAsync(PracticeId practiceId, ClientConsent consent, CancellationToken ct) =>
        _consents.ReplaceAsync(DocumentScope.Practice(practiceId), consent, ct);
}
