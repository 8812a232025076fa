using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Practices.ListMembers;

/// <summary>List the members of the signed-in user's practice with their security posture.</summary>
public sealed record ListMembersCommand;

/// <summary>One member as the members page shows it.</summary>
/// <param name="MembershipId">The membership.</param>
/// <param name="UserId">The member's account.</param>
/// <param name="DisplayName">The member's display name.</param>
/// <param name="Email">The member's email.</param>
/// <param name="Role">The member's role.</param>
/// <param name="HasMfa">Whether the member has a second factor.</param>
/// <param name="LastSignInAt">When the member last signed in, or null if never (or not since this was recorded).</param>
/// <param name="IsEmailVerified">Whether the member has verified their email.</param>
/// <param name="JoinedAt">When the membership was created.</param>
/// <param name="ClientScope">Which clients the member reaches if a clinician: granted ones only, or all of them.</param>
/// <param name="AllClientsPermissions">The permissions on every client when <paramref name="ClientScope"/> is <see cref="ClientScope.AllClients"/>.</param>
/// <remarks>
/// The scope is listed as stored for every role, but it counts only while the member is a clinician
/// (<see cref="ClientAuthorization"/>): owners and admins hold everything, compliance staff no clinical content.
/// </remarks>
public sealed record MemberSummary(
    MembershipId MembershipId,
    UserId UserId,
    string DisplayName,
    string Email,
    PracticeRole Role,
    bool HasMfa,
    DateTimeOffset? LastSignInAt,
    bool IsEmailVerified,
    DateTimeOffset JoinedAt,
    ClientScope ClientScope = ClientScope.GrantedOnly,
    ClientPermissions AllClientsPermissions = default);

/// <summary>Lists the practice's members, owners first, then by name.</summary>
/// <remarks>
/// Owners and admins with a second factor only (<see cref="PracticePolicy.CanManageMembers"/>): who lacks a second
/// factor or has not signed in for months is what an attacker would look for first. Only account fields are read,
/// never PHI. A membership whose account is gone is left out rather than shown half-empty.
/// </remarks>
public sealed class ListMembersHandler(PracticeAccessGate gate, IMembershipRepository memberships, IUserRepository users)
{
    /// <summary>The members; throws <see cref="AccessDeniedException"/> when not allowed.</summary>
    public async Task<IReadOnlyList<MemberSummary>> HandleAsync(ListMembersCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(PracticePolicy.CanManageMembers, AuditAction.AdministrationViewed, "membership", client, ct);
        var members = new List<MemberSummary>();
        foreach (var membership in await memberships.ListAsync(actor.PracticeId, ct))
        {
            if (await users.GetAsync(membership.UserId, ct) is not { } user)
            {
                continue;
            }

            members.Add(new MemberSummary(
                membership.Id, user.Id, user.DisplayName, user.Email, membership.Role, user.HasMfa, user.LastSignInAt, user.IsEmailVerified, membership.CreatedAt,
                membership.ClientScope, membership.AllClientsPermissions));
        }

        return [.. members.OrderBy(m => m.Role).ThenBy(m => m.DisplayName, StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.MembershipId.Value)];
    }
}
