using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access;

/// <summary>Loads and checks the member and client an access change names, auditing a forged or misdirected one.</summary>
/// <remarks>
/// A membership or client id that is not in the actor's practice is audited as <see cref="AuditResult.Denied"/>
/// (codes <c>unknown-member</c>, <c>unknown-client</c>: a forged grant is worth seeing) and thrown as
/// <see cref="RecordNotFoundException"/>, so another practice's records are indistinguishable from none. Client
/// access is configured for clinicians only: owners and admins reach every client by role and compliance staff
/// never reach clinical content, so a grant to them would be either meaningless or a forgery; it is refused and
/// audited (<c>not-a-clinician</c>).
/// </remarks>
public sealed class AccessTargets(PracticeAccessGate gate, IMembershipRepository memberships, IClientDirectory clients, IAuditLog audit)
{
    /// <summary>Shown when client access is configured for a member who is not a clinician.</summary>
    public const string NotAClinicianMessage =
        "Client access is set for clinicians. Owners and admins reach every client; compliance staff see no clinical records.";

    /// <summary>The clinician membership; audits and throws otherwise.</summary>
    public async Task<Membership> ClinicianAsync(PracticeActor actor, MembershipId membershipId, string targetType, ClientId? clientId, ClientInfo client, CancellationToken ct)
    {
        var target = await memberships.GetAsync(actor.PracticeId, membershipId, ct);
        if (target is null)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PermissionChanged, AuditResult.Denied, targetType, membershipId.ToString(), clientId, ct, ("reason", "unknown-member"));
            throw new RecordNotFoundException("membership");
        }

        if (target.Role != PracticeRole.Clinician)
        {
            await gate.EnsureAsync(
                actor, PracticeDecision.Deny("not-a-clinician", NotAClinicianMessage), AuditAction.PermissionChanged, targetType, target.Id.ToString(), client, ct);
        }

        return target;
    }

    /// <summary>The client's facts; audits and throws <see cref="RecordNotFoundException"/> when it is not in the practice.</summary>
    public async Task<ClientAccessFacts> ClientAsync(PracticeActor actor, ClientId clientId, AuditAction attempted, string targetType, ClientInfo client, CancellationToken ct)
    {
        var facts = await clients.GetFactsAsync(actor.PracticeId, clientId, ct);
        if (facts is null || facts.ClientId != clientId)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, attempted, AuditResult.Denied, targetType, clientId.ToString(), clientId, ct, ("reason", "unknown-client"));
            throw new RecordNotFoundException("client");
        }

        return facts;
    }
}
