using Plexura.Core.Common;

namespace Plexura.Core.Access;

/// <summary>Stores client grants. One grant per member and client within a practice.</summary>
public interface IClientGrantRepository
{
    /// <summary>Adds a grant; fails with <see cref="DuplicateRecordException"/> when the id or the member-and-client pair exists.</summary>
    Task AddAsync(PracticeId practiceId, ClientGrant grant, CancellationToken ct);

    /// <summary>The grant in this practice, or null.</summary>
    Task<ClientGrant?> GetAsync(PracticeId practiceId, ClientGrantId grantId, CancellationToken ct);

    /// <summary>The grant of this member on this client, or null.</summary>
    Task<ClientGrant?> FindAsync(PracticeId practiceId, MembershipId membershipId, ClientId clientId, CancellationToken ct);

    /// <summary>Every grant of the member, oldest first.</summary>
    Task<IReadOnlyList<ClientGrant>> ListForMemberAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct);

    /// <summary>Every grant on the client, oldest first.</summary>
    Task<IReadOnlyList<ClientGrant>> ListForClientAsync(PracticeId practiceId, ClientId clientId, CancellationToken ct);

    /// <summary>Replaces the grant; fails with <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<ClientGrant> UpdateAsync(PracticeId practiceId, ClientGrant grant, CancellationToken ct);

    /// <summary>Removes the grant; fails when it is missing or stale.</summary>
    Task DeleteAsync(PracticeId practiceId, ClientGrantId grantId, long expectedVersion, CancellationToken ct);
}
