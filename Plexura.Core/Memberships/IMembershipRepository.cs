using Plexura.Core.Common;

namespace Plexura.Core.Memberships;

/// <summary>Stores memberships. One membership per user per practice.</summary>
public interface IMembershipRepository
{
    /// <summary>Adds a membership; fails with <see cref="DuplicateRecordException"/> when the user is already a member.</summary>
    Task AddAsync(PracticeId practiceId, Membership membership, CancellationToken ct);

    /// <summary>The membership in this practice, or null.</summary>
    Task<Membership?> GetAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct);

    /// <summary>The user's membership in this practice, or null.</summary>
    Task<Membership?> FindByUserAsync(PracticeId practiceId, UserId userId, CancellationToken ct);

    /// <summary>All memberships of this practice.</summary>
    Task<IReadOnlyList<Membership>> ListAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Every practice the user belongs to.</summary>
    [CrossPractice("At sign-in the user's own memberships decide which practices they may enter.")]
    Task<IReadOnlyList<Membership>> ListForUserAsync(UserId userId, CancellationToken ct);

    /// <summary>Replaces the membership; fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<Membership> UpdateAsync(PracticeId practiceId, Membership membership, CancellationToken ct);

    /// <summary>Removes the membership; fails when it is missing or stale.</summary>
    Task DeleteAsync(PracticeId practiceId, MembershipId membershipId, long expectedVersion, CancellationToken ct);
}
