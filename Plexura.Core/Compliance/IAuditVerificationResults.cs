using Plexura.Core.Common;

namespace Plexura.Core.Compliance;

/// <summary>The stored results of audit chain verification (on demand or by the daily job).</summary>
/// <remarks>
/// Verifying a chain of millions of events takes seconds, too long for a page, so the dashboard shows the latest
/// stored result. Core registers <see cref="NoAuditVerificationResults"/> (nothing verified yet) with TryAdd; the
/// checkpoint feature registers the store that records each verification.
/// </remarks>
public interface IAuditVerificationResults
{
    /// <summary>The practice's most recent verification, or null when its chain was never verified.</summary>
    Task<AuditVerificationSummary?> LatestAsync(PracticeId practiceId, CancellationToken ct);
}

/// <summary>The outcome of one verification of a practice's audit chain.</summary>
/// <param name="VerifiedAt">When the verification finished.</param>
/// <param name="IsValid">Whether the whole chain (and every checkpoint given) verified.</param>
/// <param name="EventsChecked">How many events were checked.</param>
/// <param name="FirstBrokenSequence">The first sequence number that failed, when broken.</param>
public sealed record AuditVerificationSummary(DateTimeOffset VerifiedAt, bool IsValid, long EventsChecked, long? FirstBrokenSequence);

/// <summary>No verification was ever stored: the dashboard says "not verified yet".</summary>
public sealed class NoAuditVerificationResults : IAuditVerificationResults
{
    /// <inheritdoc />
    public Task<AuditVerificationSummary?> LatestAsync(PracticeId practiceId, CancellationToken ct) => Task.FromResult<AuditVerificationSummary?>(null);
}
