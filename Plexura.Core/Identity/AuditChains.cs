using Plexura.Core.Common;
using Plexura.Core.Memberships;

namespace Plexura.Core.Identity;

/// <summary>Which practice audit chains an account event joins.</summary>
/// <remarks>
/// A user is global but audit chains are per practice. An account event (sign-in, sign-out, email verified) is
/// written to the chain of every practice the user belongs to, so each practice's compliance officer sees what its
/// members did; a user with no membership has their events on the <see cref="PracticeId.None"/> chain.
/// </remarks>
internal static class AuditChains
{
    public static async Task<IReadOnlyList<PracticeId>> ForUserAsync(IMembershipRepository memberships, UserId userId, CancellationToken ct)
    {
        var list = await memberships.ListForUserAsync(userId, ct);
        return ForMemberships(list);
    }

    public static IReadOnlyList<PracticeId> ForMemberships(IReadOnlyList<Membership> list) =>
        list.Count == 0 ? [PracticeId.None] : [.. list.Select(m => m.PracticeId).Distinct()];
}
