using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Compliance.Reports;

/// <summary>Who reads a client report, and whether they may also see the client's name.</summary>
/// <param name="Actor">The signed-in member, read fresh.</param>
/// <param name="MayViewClient">Whether the member may open the client's record (and so see the client's name).</param>
public sealed record ClientReportReader(PracticeActor Actor, bool MayViewClient);

/// <summary>The check of the per-client reports (accounting of disclosures, access report): audit readers, or export permission on the client.</summary>
/// <remarks>
/// <para>§ 164.528 gives the client the right to an accounting; in the practice it is produced either by compliance staff
/// (and owners and admins) who may read the audit log (<see cref="PracticePolicy.CanReadAuditLog"/>: with a second
/// factor), or by a member who may export the client's record: the same person who could hand the client a copy of the
/// record may hand them the list of its disclosures. Export is checked through <see cref="ClientAccessGate"/>, which
/// audits a refusal as <see cref="AuditAction.Exported"/> <see cref="AuditResult.Denied"/> with the rule's code.</para>
/// <para>An unknown client, or another practice's, is "not found" for everyone, audited as Denied (<c>unknown-client</c>).
/// A compliance officer without a second factor is told so (not "no clinical content"), through the practice gate.</para>
/// <para>The client's name: shown only to a reader who may view the client (<see cref="ClientReportReader.MayViewClient"/>),
/// and then read through the client use case, which audits a PHI view. Compliance staff never view clinical records,
/// so they see the client id only: the accounting is about the record's disclosures, and the id is enough to answer a
/// request the practice has already matched to a client; reading the name would itself be a disclosure to them.</para>
/// </remarks>
public sealed class ClientReportAccess(
    PracticeActorLoader loader,
    PracticeAccessGate practiceGate,
    ClientAccessGate clientGate,
    IClientDirectory clients,
    IAuditLog audit)
{
    /// <summary>The reader when allowed; otherwise audits and throws <see cref="AccessDeniedException"/> or <see cref="RecordNotFoundException"/>.</summary>
    /// <param name="clientId">The client the report is about.</param>
    /// <param name="attempted">What is attempted, for a refusal's audit event (<see cref="AuditAction.AuditLogViewed"/> or <see cref="AuditAction.Exported"/>).</param>
    /// <param name="targetType">The report's target type, for a refusal's audit event.</param>
    /// <param name="client">The request's client.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ClientReportReader> RequireAsync(ClientId clientId, AuditAction attempted, string targetType, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        PracticeActor actor;
        try
        {
            actor = await loader.LoadAsync(ct);
        }
        catch (AccessDeniedException)
        {
            // Not a member (removed, or no practice): the client gate reloads, audits "not-a-member" and throws.
            await clientGate.RequireAsync(clientId, ClientPermission.Export, client, ct);
            throw;
        }

        var auditReader = PracticePolicy.CanReadAuditLog(actor);
        if (auditReader.IsAllowed)
        {
            var facts = await clients.GetFactsAsync(actor.PracticeId, clientId, ct);
            if (facts is null || facts.ClientId != clientId)
            {
                await ReportAudit.RecordAsync(audit, actor, client, attempted, AuditResult.Denied, targetType, clientId, ct, ("reason", "unknown-client"));
                throw new RecordNotFoundException("client");
            }

            var access = await clientGate.LoadAccessAsync(actor.PracticeId, actor.MembershipId, clientId, ct);
            var mayView = access is not null && ClientAuthorization.Decide(actor, access, facts, ClientPermission.View).IsAllowed;
            return new ClientReportReader(actor, mayView);
        }

        if (actor.Role == PracticeRole.Compliance)
        {
            // Compliance staff reach the reports only as audit readers: say why (usually the second factor).
            await practiceGate.EnsureAsync(actor, auditReader, attempted, targetType, null, client, ct);
        }

        var allowed = await clientGate.RequireAsync(clientId, ClientPermission.Export, client, ct);
        return new ClientReportReader(allowed.Actor, allowed.Permissions.View);
    }
}
