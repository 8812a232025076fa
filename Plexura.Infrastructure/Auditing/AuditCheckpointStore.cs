using System.Runtime.CompilerServices;
using Plexura.Core.Common;
using Plexura.Core.Compliance.Checkpoints;
using Plexura.Infrastructure.Persistence;
using Plexura.Infrastructure.Persistence.Documents;

namespace Plexura.Infrastructure.Auditing;

/// <summary>Checkpoints and verification results on either engine; every call is scoped to one practice.</summary>
internal sealed class AuditCheckpointStore(IDocumentStore store) : IAuditCheckpointStore
{
    private readonly IDocumentCollection<AuditCheckpoint> _checkpoints = store.Collection(Collections.AuditCheckpoints);
    private readonly IDocumentCollection<AuditVerification> _verifications = store.Collection(Collections.AuditVerifications);
    private readonly IDocumentCollection<Core.Practices.Practice> _practices = store.Collection(Collections.Practices);

    public Task AddCheckpointAsync(PracticeId practiceId, AuditCheckpoint checkpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return _checkpoints.InsertAsync(DocumentScope.Practice(practiceId), checkpoint, ct);
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(PracticeId practiceId, CancellationToken ct) =>
        [.. (await _checkpoints.FindManyAsync(DocumentScope.Practice(practiceId), null, null, ct)).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)];

    public Task AddVerificationAsync(PracticeId practiceId, AuditVerification verification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return _verifications.InsertAsync(DocumentScope.Practice(practiceId), verification, ct);
    }

    public async Task<IReadOnlyList<AuditVerification>> ListVerificationsAsync(PracticeId practiceId, int limit, CancellationToken ct) =>
        [.. (await _verifications.FindManyAsync(DocumentScope.Practice(practiceId), null, null, ct))
            .OrderByDescending(v => v.FinishedAt).ThenByDescending(v => v.Id).Take(Math.Max(0, limit))];

    public async IAsyncEnumerable<PracticeId> ListPracticeIdsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var practice in _practices.ScanAllAsync(ct))
        {
            yield return practice.Id;
        }
    }
}
