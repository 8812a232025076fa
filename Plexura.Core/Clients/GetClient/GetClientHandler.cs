using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Clients.GetClient;

/// <summary>Open a client's record.</summary>
/// <param name="ClientId">The client.</param>
public sealed record GetClientCommand(ClientId ClientId);

/// <summary>A client as a permitted member sees it.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Details">The decrypted details.</param>
/// <param name="IsRestricted">Restricted under § 164.522 (shown prominently; no push or export).</param>
/// <param name="IsPart2">A 42 CFR Part 2 record.</param>
/// <param name="IsArchived">Archived.</param>
/// <param name="Version">The version to send back with an edit.</param>
/// <param name="Permissions">What the member may do to the client now (view, edit, push, export), by the same rules the use cases enforce.</param>
/// <param name="EmergencyAccessUntil">When the member sees the client only through a break-glass emergency access: when it ends (the page's banner).</param>
public sealed record ClientView(
    ClientId ClientId, ClientDetails Details, bool IsRestricted, bool IsPart2, bool IsArchived, long Version, ClientPermissions Permissions,
    DateTimeOffset? EmergencyAccessUntil = null);

/// <summary>Opens a client for viewing: authorized by the access gate, decrypted, and audited as one PHI view.</summary>
/// <remarks>
/// Call it once per opening of the client page: each call is one <see cref="AuditAction.PhiViewed"/> event, so the
/// log counts openings, not re-renders. A client of another practice is "not found", and a refusal is audited by the
/// gate before anything is decrypted.
/// </remarks>
public sealed class GetClientHandler(ClientAccessGate gate, IClientRepository clients, ClientProtector protector, IAuditLog audit)
{
    /// <summary>The client's record.</summary>
    public async Task<ClientView> HandleAsync(GetClientCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var access = await gate.RequireAsync(command.ClientId, ClientPermission.View, client, ct);
        var actor = access.Actor;
        var stored = await clients.GetAsync(actor.PracticeId, command.ClientId, ct) ?? throw new RecordNotFoundException("client");
        var details = await protector.RevealAsync(stored, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.PhiViewed, AuditResult.Success, "client", stored.Id.ToString(), stored.Id, ct);
        return new ClientView(stored.Id, details, stored.IsRestricted, stored.IsPart2, stored.IsArchived, stored.Version, access.Permissions, access.EmergencyUntil);
    }
}
