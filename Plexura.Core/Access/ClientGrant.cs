using Plexura.Core.Common;

namespace Plexura.Core.Access;

/// <summary>An owner's (or admin's) grant of access to one client for one member.</summary>
/// <param name="Id">The grant id.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="MembershipId">The member the grant is for.</param>
/// <param name="ClientId">The client it reaches.</param>
/// <param name="CanView">May view the client's record.</param>
/// <param name="CanEdit">May edit it.</param>
/// <param name="CanPush">May push its notes to the EHR.</param>
/// <param name="CanExport">May export it.</param>
/// <param name="GrantedBy">Who set the grant last.</param>
/// <param name="GrantedAt">When it was set last.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <remarks>
/// One grant per member and client (<see cref="MemberClientKey"/> is unique within the practice), so "what may
/// this member do to this client" has exactly one stored answer. Holds ids and flags only, never PHI.
/// </remarks>
public sealed record ClientGrant(
    ClientGrantId Id,
    PracticeId PracticeId,
    MembershipId MembershipId,
    ClientId ClientId,
    bool CanView,
    bool CanEdit,
    bool CanPush,
    bool CanExport,
    UserId GrantedBy,
    DateTimeOffset GrantedAt,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The member and client together: the grant's unique key within the practice (stored for its index).</summary>
    public string MemberClientKey => KeyOf(MembershipId, ClientId);

    /// <summary>The unique key of the grant of <paramref name="membershipId"/> on <paramref name="clientId"/>.</summary>
    public static string KeyOf(MembershipId membershipId, ClientId clientId) => $"{membershipId}:{clientId}";

    /// <summary>The four permissions as a set.</summary>
    public ClientPermissions ToPermissions() => new(CanView, CanEdit, CanPush, CanExport);

    /// <summary>This grant with its four permissions replaced.</summary>
    public ClientGrant WithPermissions(ClientPermissions permissions) =>
        this with { CanView = permissions.View, CanEdit = permissions.Edit, CanPush = permissions.Push, CanExport = permissions.Export };
}
