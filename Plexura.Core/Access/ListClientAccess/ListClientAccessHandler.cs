using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Access.ListClientAccess;

/// <summary>Who can see this client, and why ("who can see this client" panel).</summary>
/// <param name="ClientId">The client, which must belong to the signed-in user's practice.</param>
public sealed record ListClientAccessCommand(ClientId ClientId);

/// <summary>One member's access to the client.</summary>
/// <param name="MembershipId">The membership.</param>
/// <param name="UserId">The member's account.</param>
/// <param name="DisplayName">The member's display name.</param>
/// <param name="Role">The member's role.</param>
/// <param name="Scope">The member's client scope.</param>
/// <param name="Effective">What the member may do to the client now, after the practice gate and the record's flags.</param>
/// <param name="Reasons">
/// Why, as codes: <c>owner</c>, <c>admin</c>, <c>compliance</c>, <c>all-clients</c>, <c>grant</c>, <c>creator</c>;
/// and what holds it back: <c>email-unverified</c>, <c>practice-requires-mfa</c>, <c>archived</c>, <c>restricted</c>,
/// <c>part2-consent-required</c>.
/// </param>
/// <param name="Grant">The member's stored grant on the client, if any.</param>
public sealed record ClientAccessEntry(
    MembershipId MembershipId,
    UserId UserId,
    string DisplayName,
    PracticeRole Role,
    ClientScope Scope,
    ClientPermissions Effective,
    IReadOnlyList<string> Reasons,
    ClientGrant? Grant);

/// <summary>Every member with their effective permissions on the client, those who can view first.</summary>
/// <remarks>
/// Answered by <see cref="ClientAuthorization.Decide"/> for each member and permission, so the panel can never
/// disagree with what the use cases enforce. Owners and admins with a second factor
/// (<see cref="ClientAuthorization.CanManageAccess"/>): the panel is where access is decided. Shows account fields and
/// codes, never the client's PHI. A membership whose account is gone is left out.
/// </remarks>
public sealed class ListClientAccessHandler(
    PracticeAccessGate gate, AccessTargets targets, IMembershipRepository memberships, IUserRepository users, IClientGrantRepository grants)
{
    /// <summary>The entries; throws <see cref="RecordNotFoundException"/> or <see cref="AccessDeniedException"/>.</summary>
    public async Task<IReadOnlyList<ClientAccessEntry>> HandleAsync(ListClientAccessCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(ClientAuthorization.CanManageAccess, AuditAction.AdministrationViewed, "client-grant", client, ct);
        var facts = await targets.ClientAsync(actor, command.ClientId, AuditAction.AdministrationViewed, "client-grant", client, ct);
        var byMember = (await grants.ListForClientAsync(actor.PracticeId, command.ClientId, ct)).ToDictionary(g => g.MembershipId);
        var entries = new List<ClientAccessEntry>();
        foreach (var membership in await memberships.ListAsync(actor.PracticeId, ct))
        {
            if (await users.GetAsync(membership.UserId, ct) is not { } user)
            {
                continue;
            }

            var grant = byMember.GetValueOrDefault(membership.Id);
            var access = new MemberAccess(membership.Id, membership.ClientScope, membership.AllClientsPermissions, grant);
            var member = new PracticeActor(
                user.Id, user.Email, user.DisplayName, actor.PracticeId, membership.Id, membership.Role, user.HasMfa, user.IsEmailVerified,
                actor.PracticeRequiresMfa, actor.PracticeName, actor.PracticeTimeZoneId);
            var decisions = Enum.GetValues<ClientPermission>().ToDictionary(p => p, p => ClientAuthorization.Decide(member, access, facts, p));
            var effective = new ClientPermissions(
                decisions[ClientPermission.View].IsAllowed,
                decisions[ClientPermission.Edit].IsAllowed,
                decisions[ClientPermission.Push].IsAllowed,
                decisions[ClientPermission.Export].IsAllowed);
            entries.Add(new ClientAccessEntry(
                membership.Id, user.Id, user.DisplayName, membership.Role, membership.ClientScope, effective, Reasons(membership, user.Id, grant, facts, decisions.Values), grant));
        }

        return [.. entries.OrderByDescending(e => e.Effective.View).ThenBy(e => e.Role).ThenBy(e => e.DisplayName, StringComparer.CurrentCultureIgnoreCase)];
    }

    private static List<string> Reasons(Membership membership, UserId userId, ClientGrant? grant, ClientAccessFacts facts, IEnumerable<AccessDecision> decisions)
    {
        var reasons = new List<string>();
        switch (membership.Role)
        {
            case PracticeRole.Owner:
                reasons.Add("owner");
                break;
            case PracticeRole.Admin:
                reasons.Add("admin");
                break;
            case PracticeRole.Compliance:
                reasons.Add("compliance");
                break;
            default:
                if (membership.ClientScope == ClientScope.AllClients && !membership.AllClientsPermissions.IsNone)
                {
                    reasons.Add("all-clients");
                }

                if (grant is not null)
                {
                    reasons.Add("grant");
                }

                if (facts.CreatedBy == userId)
                {
                    reasons.Add("creator");
                }

                break;
        }

        foreach (var code in decisions.Where(d => !d.IsAllowed).Select(d => d.Code).Distinct(StringComparer.Ordinal))
        {
            if (code is "email-unverified" or "practice-requires-mfa" or "archived" or "restricted" or "part2-consent-required")
            {
                reasons.Add(code);
            }
        }

        return reasons;
    }
}
