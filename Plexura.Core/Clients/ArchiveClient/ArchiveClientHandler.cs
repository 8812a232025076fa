using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Clients.ArchiveClient;

/// <summary>Archive a client: hidden from lists and search, kept for the record.</summary>
/// <param name="ClientId">The client.</param>
public sealed record ArchiveClientCommand(ClientId ClientId);

/// <summary>Archives a client the member may edit. Clients are never deleted (right of access, accounting of disclosures).</summary>
/// <remarks>Audited as <see cref="AuditAction.Deleted"/> with <c>change=archived</c>; archiving an archived client is refused by the gate.</remarks>
public sealed class ArchiveClientHandler(ClientAccessGate gate, IClientRepository clients, IAuditLog audit, TimeProvider time)
{
    /// <summary>Archives the client.</summary>
    public async Task HandleAsync(ArchiveClientCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.Edit, client, ct)).Actor;
        var stored = await clients.GetAsync(actor.PracticeId, command.ClientId, ct) ?? throw new RecordNotFoundException("client");
        var now = time.GetUtcNow();
        await clients.UpdateAsync(actor.PracticeId, stored with { ArchivedAt = now, UpdatedAt = now }, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Deleted, AuditResult.Success, "client", stored.Id.ToString(), stored.Id, ct, ("change", "archived"));
    }
}
