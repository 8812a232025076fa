using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Client grants, on any engine. Every call is scoped to one practice.</summary>
internal sealed class ClientGrantRepository(IDocumentStore store) : IClientGrantRepository
{
    private static readonly string KeyField = DocumentFields.Of(nameof(ClientGrant.MemberClientKey));
    private static readonly string MembershipField = DocumentFields.Of(nameof(ClientGrant.MembershipId));
    private static readonly string ClientField = DocumentFields.Of(nameof(ClientGrant.ClientId));

    private readonly IDocumentCollection<ClientGrant> _grants = store.Collection(Collections.ClientGrants);

    public Task AddAsync(PracticeId practiceId, ClientGrant grant, CancellationToken ct) =>
        _grants.InsertAsync(DocumentScope.Practice(practiceId), grant, ct);

    public Task<ClientGrant?> GetAsync(PracticeId practiceId, ClientGrantId grantId, CancellationToken ct) =>
        _grants.GetAsync(DocumentScope.Practice(practiceId), grantId.ToString(), ct);

    public Task<ClientGrant?> FindAsync(PracticeId practiceId, MembershipId membershipId, ClientId clientId, CancellationToken ct) =>
        _grants.FindOneAsync(DocumentScope.Practice(practiceId), KeyField, ClientGrant.KeyOf(membershipId, clientId), ct);

    public Task<IReadOnlyList<ClientGrant>> ListForMemberAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct) =>
        _grants.FindManyAsync(DocumentScope.Practice(practiceId), MembershipField, membershipId.ToString(), ct);

    public Task<IReadOnlyList<ClientGrant>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct) =>
        _grants.FindManyAsync(DocumentScope.Practice(practiceId), ClientField, clientId.ToString(), ct);

    public Task<ClientGrant> UpdateAsync(PracticeId practiceId, ClientGrant grant, CancellationToken ct) =>
        _grants.ReplaceAsync(DocumentScope.Practice(practiceId), grant, ct);

    public Task DeleteAsync(PracticeId practiceId, ClientGrantId grantId, long expectedVersion, CancellationToken ct) =>
        _grants.DeleteAsync(DocumentScope.Practice(practiceId), grantId.ToString(), expectedVersion, ct);
}
