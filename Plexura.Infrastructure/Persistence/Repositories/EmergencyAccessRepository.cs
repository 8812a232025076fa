using Plexura.Core.Access.Emergency;
using Plexura.Core.Common;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Persistence.Repositories;

/// <summary>Break-glass emergency accesses, on any engine. Every call is scoped to one practice.</summary>
internal sealed class EmergencyAccessRepository(IDocumentStore store) : IEmergencyAccessRepository
{
    private static readonly string KeyField = DocumentFields.Of(nameof(EmergencyAccess.MemberClientKey));

    private readonly IDocumentCollection<EmergencyAccess> _accesses = store.Collection(Collections.EmergencyAccesses);

    public Task AddAsync(PracticeId practiceId, EmergencyAccess access, CancellationToken ct) =>
        _accesses.InsertAsync(DocumentScope.Practice(practiceId), access, ct);

    public Task<EmergencyAccess?> GetAsync(PracticeId practiceId, EmergencyAccessId id, CancellationToken ct) =>
        _accesses.GetAsync(DocumentScope.Practice(practiceId), id.ToString(), ct);

    public async Task<EmergencyAccess?> FindActiveAsync(PracticeId practiceId, UserId userId, ClientId clientId, DateTimeOffset now, CancellationToken ct)
    {
        var declared = await _accesses.FindManyAsync(DocumentScope.Practice(practiceId), KeyField, EmergencyAccess.KeyOf(userId, clientId), ct);
        return declared
            .Where(a => a.DeclaredBy == userId && a.ClientId == clientId && a.IsActiveAt(now))
            .MaxBy(a => a.ExpiresAt);
    }

    public async Task<IReadOnlyList<EmergencyAccess>> ListAsync(PracticeId practiceId, int limit, CancellationToken ct)
    {
        var all = await _accesses.FindManyAsync(DocumentScope.Practice(practiceId), null, null, ct);
        return [.. all.OrderByDescending(a => a.DeclaredAt).ThenByDescending(a => a.Id.Value).Take(Math.Clamp(limit, 1, 1000))];
    }

    public Task<EmergencyAccess> UpdateAsync(PracticeId practiceId, EmergencyAccess access, CancellationToken ct) =>
        _accesses.ReplaceAsync(DocumentScope.Practice(practiceId), access, ct);
}
