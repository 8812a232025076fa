using System.Globalization;
using Plexura.Core.Access.Emergency;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access;

/// <summary>The actor and the client they were allowed to reach.</summary>
/// <param name="Actor">The signed-in member, read fresh.</param>
/// <param name="Facts">The client's access facts, read fresh.</param>
/// <param name="Access">The member's configured access and grant on the client, read fresh.</param>
public sealed record AuthorizedClientAccess(PracticeActor Actor, ClientAccessFacts Facts, MemberAccess Access)
{
    /// <summary>When the access rests on a break-glass emergency access, when that ends; null for ordinary access.</summary>
    public DateTimeOffset? EmergencyUntil { get; init; }

    /// <summary>Everything the member may do to the client now (what a page shows as buttons, what the extension may offer).</summary>
    /// <remarks>Under an emergency access: view only, never edit, push or export.</remarks>
    public ClientPermissions Permissions => EmergencyUntil is null
        ? ClientAuthorization.Effective(Actor.Role, Actor.UserId, Access, Facts)
        : new ClientPermissions(true, false, false, false);
}

/// <summary>A member's configured client access with all their grants, to decide for many clients without more reads.</summary>
public sealed class MemberAccessMap
{
    private readonly Membership _membership;
    private readonly Dictionary<ClientId, ClientGrant> _grants;

    /// <summary>Holds <paramref name="membership"/> and its <paramref name="grants"/>.</summary>
    public MemberAccessMap(Membership membership, IReadOnlyList<ClientGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(membership);
        ArgumentNullException.ThrowIfNull(grants);
        _membership = membership;
        _grants = grants.ToDictionary(g => g.ClientId);
    }

    /// <summary>The member's scope: every client, or only the granted ones.</summary>
    public ClientScope Scope => _membership.ClientScope;

    /// <summary>The clients the member holds a grant on.</summary>
    public IEnumerable<ClientId> GrantedClientIds => _grants.Keys;

    /// <summary>The member's access to <paramref name="clientId"/>.</summary>
    public MemberAccess For(ClientId clientId) =>
        new(_membership.Id, _membership.ClientScope, _membership.AllClientsPermissions, _grants.GetValueOrDefault(clientId));
}

/// <summary>The check every client use case calls first: loads actor, access and client, decides, audits a refusal, throws.</summary>
/// <remarks>
/// Everything is read fresh from storage per call (role, scope, grant, the client's flags), so a revoked grant or a
/// newly restricted record counts at once. A refusal is written with result <see cref="AuditResult.Denied"/>, the
/// audit action matching the attempt (view → <see cref="AuditAction.PhiViewed"/>, edit → <see cref="AuditAction.Updated"/>,
/// push → <see cref="AuditAction.EhrPushed"/>, export → <see cref="AuditAction.Exported"/>), the client id and the
/// rule's code, then thrown as <see cref="AccessDeniedException"/>. A client id that is not in the actor's practice is
/// audited the same way (code <c>unknown-client</c>: probing for ids is worth seeing) and thrown as
/// <see cref="RecordNotFoundException"/>, so another practice's client is indistinguishable from none. An allowed
/// attempt is not audited here: the use case records what it actually did.
/// <para>Break-glass (HIPAA 5.1): a clinician refused a view only because they hold no permission on the client
/// (code <c>not-granted</c>) is let through while they hold an active, unexpired <see cref="EmergencyAccess"/> to it
/// and are still designated by the practice. Each such view is audited here as <see cref="AuditAction.EmergencyAccess"/>
/// (phase <c>view</c>), and the access carries <see cref="AuthorizedClientAccess.EmergencyUntil"/> with view-only
/// permissions. Edit, push and export are never opened this way, nor does an emergency override a practice rule
/// (verified email, the practice's MFA requirement) or a compliance officer's exclusion from clinical content.</para>
/// </remarks>
public sealed class ClientAccessGate(
    PracticeActorLoader loader,
    ICurrentUser currentUser,
    IMembershipRepository memberships,
    IClientGrantRepository grants,
    IClientDirectory clients,
    IAuditLog audit,
    IPracticeRepository practices,
    IEmergencyAccessRepository emergencies,
    TimeProvider time)
{
    /// <summary>The actor and client when <paramref name="permission"/> is allowed; otherwise audits and throws.</summary>
    public async Task<AuthorizedClientAccess> RequireAsync(ClientId clientId, ClientPermission permission, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var action = AccessAudit.ActionFor(permission);
        PracticeActor actor;
        try
        {
            actor = await loader.LoadAsync(ct);
        }
        catch (AccessDeniedException ex) when (currentUser.PracticeId is { IsNone: false } practiceId)
        {
            await audit.RecordAsync(
                new AuditEntry(
                    practiceId, new AuditActor(currentUser.UserId, null), client.SourceIp, client.UserAgent, action, "client", clientId.ToString(),
                    clientId.ToString(), AuditResult.Denied, new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = "not-a-member" }),
                ct);
            throw new AccessDeniedException(ex.Message);
        }

        var facts = await clients.GetFactsAsync(actor.PracticeId, clientId, ct);
        if (facts is null || facts.ClientId != clientId)
        {
            await DeniedAsync(actor, action, clientId, "unknown-client", permission, client, ct);
            throw new RecordNotFoundException("client");
        }

        var access = await LoadAccessAsync(actor.PracticeId, actor.MembershipId, clientId, ct);
        var decision = access is null
            ? AccessDecision.Deny("not-a-member", PracticeActorLoader.NotAMemberMessage)
            : ClientAuthorization.Decide(actor, access, facts, permission);
        if (!decision.IsAllowed
            && permission == ClientPermission.View
            && decision.Code == "not-granted"
            && await ActiveEmergencyAsync(actor, clientId, ct) is { } emergency)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.EmergencyAccess, AuditResult.Success, EmergencyAccess.RecordType, emergency.Id.ToString(), clientId, ct,
                ("phase", "view"), ("until", emergency.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)));
            return new AuthorizedClientAccess(actor, facts, access!) { EmergencyUntil = emergency.ExpiresAt };
        }

        if (!decision.IsAllowed)
        {
            await DeniedAsync(actor, action, clientId, decision.Code, permission, client, ct);
            throw new AccessDeniedException(decision.Reason);
        }

        return new AuthorizedClientAccess(actor, facts, access!);
    }

    /// <summary>The member's configured access with their grant on the client, or null when the membership is gone.</summary>
    public async Task<MemberAccess?> LoadAccessAsync(PracticeId practiceId, MembershipId membershipId, ClientId clientId, CancellationToken ct)
    {
        var membership = await memberships.GetAsync(practiceId, membershipId, ct);
        if (membership is null)
        {
            return null;
        }

        var grant = await grants.FindAsync(practiceId, membershipId, clientId, ct);
        return new MemberAccess(membership.Id, membership.ClientScope, membership.AllClientsPermissions, grant);
    }

    /// <summary>The member's configured access to any client of the practice, read once (membership and all its grants), or null when the membership is gone.</summary>
    /// <remarks>
    /// For lists and searches, which decide view access for hundreds of candidates: two reads per call instead of two
    /// per candidate. The answer is as fresh as the call, like <see cref="LoadAccessAsync"/>.
    /// </remarks>
    public async Task<MemberAccessMap?> LoadAccessToAnyClientAsync(PracticeId practiceId, MembershipId membershipId, CancellationToken ct)
    {
        var membership = await memberships.GetAsync(practiceId, membershipId, ct);
        return membership is null ? null : new MemberAccessMap(membership, await grants.ListForMemberAsync(practiceId, membershipId, ct));
    }

    /// <summary>The actor's active emergency access to the client, if they are a clinician still designated by the practice.</summary>
    private async Task<EmergencyAccess?> ActiveEmergencyAsync(PracticeActor actor, ClientId clientId, CancellationToken ct)
    {
        if (actor.Role != PracticeRole.Clinician)
        {
            return null;
        }

        var practice = await practices.GetAsync(actor.PracticeId, ct);
        if (practice is null || !practice.IsEmergencyAccessMember(actor.UserId))
        {
            return null;
        }

        return await emergencies.FindActiveAsync(actor.PracticeId, actor.UserId, clientId, time.GetUtcNow(), ct);
    }

    private Task<AuditEvent> DeniedAsync(
        PracticeActor actor, AuditAction action, ClientId clientId, string code, ClientPermission permission, ClientInfo client, CancellationToken ct) =>
        AccessAudit.RecordAsync(
            audit, actor, client, action, AuditResult.Denied, "client", clientId.ToString(), clientId, ct,
            ("reason", code), ("permission", permission.ToString().ToLowerInvariant()));
}
