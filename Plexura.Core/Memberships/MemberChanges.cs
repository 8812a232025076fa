using Plexura.Core.Access;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Memberships;

/// <summary>What every membership change shares: counting owners, ending sessions, dropping grants.</summary>
/// <remarks>
/// <para><b>Never zero owners, even under concurrency.</b> A change that takes an owner away (removal, leaving,
/// demotion) writes first, then counts the owners left, and undoes its own write when none is left. Two removals
/// of the last two owners at once: whichever counts after both writes sees zero and undoes; if both count after
/// both writes both undo (both refused, two owners stay); a count after the other's undo sees one owner and keeps
/// its change. In every interleaving the practice ends with at least one owner. A version bump on the practice
/// record would serialize these changes too, but every path that touches an owner would have to remember it; the
/// re-count needs nothing from anyone else.</para>
/// <para><b>Sessions.</b> Sessions are global per user; only those that entered this practice are revoked, so a
/// member removed from one practice stays signed in to the others. Every use case re-reads the membership anyway
/// (<see cref="Practices.Access.PracticeActorLoader"/>), so revocation ends the session's token at once rather than
/// at its expiry.</para>
/// </remarks>
public sealed class MemberChanges(
    IMembershipRepository memberships, ISessionRepository sessions, IClientGrantRepository grants, TimeProvider time, Billing.BillingSeatRequests seats)
{
    private const int MaxAttempts = 5;

    /// <summary>How many owners the practice has now.</summary>
    public async Task<int> CountOwnersAsync(PracticeId practiceId, CancellationToken ct) =>
        (await memberships.ListAsync(practiceId, ct)).Count(m => m.Role == PracticeRole.Owner);

    /// <summary>Makes the membership an owner again (undoing a demotion that left none), retrying on a concurrent edit.</summary>
    public async Task RestoreOwnerAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var membership = await memberships.GetAsync(practiceId, membershipId, ct);
            if (membership is null || membership.Role == PracticeRole.Owner)
            {
                return;
            }

            try
            {
                await memberships.UpdateAsync(practiceId, membership with { Role = PracticeRole.Owner }, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Re-read and undo again on the fresh copy.
            }
        }
    }

    /// <summary>Revokes the user's active sessions that entered <paramref name="practiceId"/>; returns how many.</summary>
    public async Task<int> RevokeSessionsAsync(PracticeId practiceId, UserId userId, SessionRevocationReason reason, CancellationToken ct)
    {
        var revoked = 0;
        var now = time.GetUtcNow();
        foreach (var session in await sessions.ListActiveForUserAsync(userId, now, ct))
        {
            if (session.PracticeId != practiceId)
            {
                continue;
            }

            var current = session;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await sessions.RevokeAsync(current, reason, now, ct);
                    revoked++;
                    break;
                }
                catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
                {
                    current = await sessions.GetAsync(session.Id, ct) ?? current;
                    if (!current.IsActiveAt(now))
                    {
                        break;
                    }
                }
            }
        }

        return revoked;
    }

    /// <summary>Deletes every client grant of the membership; returns how many.</summary>
    public async Task<int> DeleteGrantsAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var grant in await grants.ListForMemberAsync(practiceId, membershipId, ct))
        {
            try
            {
                await grants.DeleteAsync(practiceId, grant.Id, grant.Version, ct);
                deleted++;
            }
            catch (RecordNotFoundException)
            {
                // Already gone (a concurrent revoke): nothing left to delete.
            }
            catch (ConcurrencyConflictException)
            {
                var fresh = await grants.GetAsync(practiceId, grant.Id, ct);
                if (fresh is not null)
                {
                    await grants.DeleteAsync(practiceId, fresh.Id, fresh.Version, ct);
                    deleted++;
                }
            }
        }

        return deleted;
    }

    /// <summary>Queues a seat update for the practice's subscription after a member joined, left or changed role (nothing with billing off).</summary>
    public Task SeatsChangedAsync(PracticeId practiceId, string reason, CancellationToken ct) => seats.RequestAsync(practiceId, reason, ct);
}
