using Plexura.Core.Common;

namespace Plexura.Core.Compliance.Checkpoints;

/// <summary>A signed record of a practice's audit chain head (sequence, hash, time), kept so a later rewrite is found.</summary>
/// <param name="Id">The checkpoint id.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="Sequence">The head's sequence number (0 for an empty chain).</param>
/// <param name="Hash">The head event's hash (lowercase hex).</param>
/// <param name="HeadTime">The head event's time.</param>
/// <param name="CreatedAt">When the checkpoint was made.</param>
/// <param name="Reason">Why it was made: <c>daily</c>, <c>export</c> or <c>on-demand</c>.</param>
/// <param name="SignedBlock">The signed text block, exactly as emailed (see <see cref="CheckpointBlock"/>).</param>
/// <param name="KeyId">The signing key's id.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>Hashes and sequence numbers only: no PHI, so the block may travel by email and sit in inboxes.</remarks>
public sealed record AuditCheckpoint(
    Guid Id,
    PracticeId PracticeId,
    long Sequence,
    string Hash,
    DateTimeOffset HeadTime,
    DateTimeOffset CreatedAt,
    string Reason,
    string SignedBlock,
    string KeyId,
    long Version = 0) : IPracticeOwned, IVersioned;

/// <summary>One recorded chain verification.</summary>
/// <param name="Id">The verification id.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="ByUserId">The member who asked, or null for the daily job.</param>
/// <param name="By">Who ran it: the member's email, or <c>daily job</c>.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="IsValid">Whether the chain verified and extends every checkpoint given.</param>
/// <param name="FirstBadSequence">The first bad sequence number, when broken.</param>
/// <param name="Problem">What is wrong there, when broken (no PHI: a fixed sentence with sequence numbers).</param>
/// <param name="CheckpointsChecked">How many checkpoints the chain was checked against.</param>
/// <param name="PastedCheckpoint">Whether a pasted signed checkpoint was among them.</param>
/// <param name="ArchivedThrough">When events up to this sequence were archived past retention: checked from the next one.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
public sealed record AuditVerification(
    Guid Id,
    PracticeId PracticeId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    UserId? ByUserId,
    string By,
    long EventsChecked,
    bool IsValid,
    long? FirstBadSequence,
    string? Problem,
    int CheckpointsChecked,
    bool PastedCheckpoint,
    long? ArchivedThrough = null,
    long Version = 0) : IPracticeOwned, IVersioned;

/// <summary>Stores checkpoints and verification results.</summary>
public interface IAuditCheckpointStore
{
    /// <summary>Adds a checkpoint.</summary>
    Task AddCheckpointAsync(PracticeId practiceId, AuditCheckpoint checkpoint, CancellationToken ct);

    /// <summary>Every checkpoint of the practice, oldest first.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Adds a verification result.</summary>
    Task AddVerificationAsync(PracticeId practiceId, AuditVerification verification, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> verification results of the practice, newest first.</summary>
    Task<IReadOnlyList<AuditVerification>> ListVerificationsAsync(PracticeId practiceId, int limit, CancellationToken ct);

    /// <summary>Every practice's id, for the daily job (reads no PHI).</summary>
    [CrossPractice("The daily checkpoint job visits every practice; it reads only practice ids, never PHI.")]
    IAsyncEnumerable<PracticeId> ListPracticeIdsAsync(CancellationToken ct);
}

/// <summary>The latest stored verification result, for the compliance dashboard's "broken chain" card.</summary>
/// <param name="At">When it finished.</param>
/// <param name="IsValid">Whether the chain verified.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="FirstBadSequence">The first bad sequence number, when broken.</param>
/// <param name="CheckpointsChecked">How many checkpoints were checked.</param>
public sealed record AuditVerificationSummary(DateTimeOffset At, bool IsValid, long EventsChecked, long? FirstBadSequence, int CheckpointsChecked);

/// <summary>Reads the latest stored chain verification result of a practice.</summary>
public interface IAuditVerificationResults
{
    /// <summary>The latest result, or null when the chain was never verified.</summary>
    Task<AuditVerificationSummary?> LatestAsync(PracticeId practiceId, CancellationToken ct);
}

/// <summary><see cref="IAuditVerificationResults"/> over the stored results.</summary>
public sealed class StoredAuditVerificationResults(IAuditCheckpointStore store) : IAuditVerificationResults
{
    /// <inheritdoc />
    public async Task<AuditVerificationSummary?> LatestAsync(PracticeId practiceId, CancellationToken ct)
    {
        var latest = (await store.ListVerificationsAsync(practiceId, 1, ct)) is [var v, ..] ? v : null;
        return latest is null
            ? null
            : new AuditVerificationSummary(latest.FinishedAt, latest.IsValid, latest.EventsChecked, latest.FirstBadSequence, latest.CheckpointsChecked);
    }
}
