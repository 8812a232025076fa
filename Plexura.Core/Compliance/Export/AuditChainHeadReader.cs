using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Export;

/// <summary>Reads a practice's current chain head (sequence, hash, time) for export manifests and checkpoints.</summary>
public sealed class AuditChainHeadReader(IAuditStore store)
{
    /// <summary>The newest event's sequence, hash and time; the genesis state for a practice without events.</summary>
    public async Task<AuditChainHeadSnapshot> ReadAsync(PracticeId practiceId, CancellationToken ct)
    {
        var newest = await store.QueryAsync(practiceId, new AuditQuery(Limit: 1), ct);
        return newest.Count == 0
            ? new AuditChainHeadSnapshot(AuditChainHead.Genesis.Sequence, AuditChainHead.Genesis.Hash, null)
            : new AuditChainHeadSnapshot(newest[0].Sequence, newest[0].Hash, newest[0].Timestamp);
    }
}
