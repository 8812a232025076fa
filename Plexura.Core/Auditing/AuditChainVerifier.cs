using Plexura.Core.Common;

namespace Plexura.Core.Auditing;

/// <summary>The outcome of recomputing a practice's audit chain.</summary>
/// <param name="IsValid">True when every event links to its predecessor and hashes to its stored hash.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="FirstBrokenSequence">The first sequence number that fails, or null.</param>
/// <param name="Problem">What is wrong at that event, or null.</param>
public sealed record AuditChainReport(bool IsValid, long EventsChecked, long? FirstBrokenSequence, string? Problem);

/// <summary>Recomputes a practice's hash chain and reports the first broken sequence number.</summary>
/// <remarks>
/// Detects an altered event (its hash no longer matches), a removed or inserted event (a sequence gap or a
/// previous-hash mismatch) and a rewritten tail (links break at the first rewritten event).
/// </remarks>
public sealed class AuditChainVerifier(IAuditStore store)
{
    /// <summary>Verifies the whole chain of the practice.</summary>
    public async Task<AuditChainReport> VerifyAsync(PracticeId practiceId, CancellationToken ct)
    {
        var expected = AuditChainHead.Genesis;
        long checkedCount = 0;
        await foreach (var e in store.ReadChainAsync(practiceId, 1, ct))
        {
            checkedCount++;
            var problem = Check(e, expected);
            if (problem is not null)
            {
                return new AuditChainReport(false, checkedCount, expected.Sequence + 1, problem);
            }

            expected = new AuditChainHead(e.Sequence, e.Hash);
        }

        return new AuditChainReport(true, checkedCount, null, null);
    }

    private static string? Check(AuditEvent e, AuditChainHead expected)
    {
        if (e.Sequence != expected.Sequence + 1)
        {
            return $"Expected sequence {expected.Sequence + 1} but found {e.Sequence}: events are missing.";
        }

        if (!string.Equals(e.PreviousHash, expected.Hash, StringComparison.Ordinal))
        {
            return "The previous-hash link does not match the preceding event.";
        }

        return string.Equals(AuditHasher.ComputeHash(e), e.Hash, StringComparison.Ordinal)
            ? null
            : "The event's content does not match its hash: it was altered.";
    }
}
