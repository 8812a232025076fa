using Plexura.Core.Access;
using Plexura.Core.Common;

namespace Plexura.Core.Memberships;

/// <summary>The role a member holds in a practice.</summary>
public enum PracticeRole
{
    /// <summary>Created the practice or was handed it; manages everything including billing.</summary>
    Owner,

    /// <summary>Everything the owner delegates except billing and ownership.</summary>
    Admin,

    /// <summary>Records sessions and writes notes for the clients they may see.</summary>
    Clinician,

    /// <summary>Read-only access to the audit log and its analytics; no clinical content.</summary>
    Compliance,
}

/// <summary>A user's membership in a practice.</summary>
/// <param name="Id">The membership id.</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="UserId">The member's account.</param>
/// <param name="Role">The member's role.</param>
/// <param name="CreatedAt">When the member joined.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
/// <param name="ClientScope">
/// Which clients a clinician reaches: only granted ones (the default, so memberships stored before scopes existed
/// read as "granted only": fail closed) or all of them.
/// </param>
/// <param name="AllClientsPermissions">The permissions on every client when <paramref name="ClientScope"/> is <see cref="ClientScope.AllClients"/>.</param>
/// <remarks>
/// The scope lives on the membership rather than in a record of its own: it is one value per member, it must go
/// when the membership goes, and a role change and a scope change then share one version.
/// </remarks>
public sealed record Membership(
    MembershipId Id,
    PracticeId PracticeId,
    UserId UserId,
    PracticeRole Role,
    DateTimeOffset CreatedAt,
    long Version = 0,
    ClientScope ClientScope = ClientScope.GrantedOnly,
    ClientPermissions AllClientsPermissions = default) : IPracticeOwned, IVersioned;
