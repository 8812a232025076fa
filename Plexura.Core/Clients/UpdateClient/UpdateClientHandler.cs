using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;

namespace Plexura.Core.Clients.UpdateClient;

/// <summary>Change a client's details and flags.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="Details">The new details (all of them).</param>
/// <param name="IsRestricted">The § 164.522 restriction flag.</param>
/// <param name="IsPart2">The 42 CFR Part 2 flag.</param>
/// <param name="ExpectedVersion">The version the member edited; a newer stored version is a conflict.</param>
public sealed record UpdateClientCommand(ClientId ClientId, ClientDetails Details, bool IsRestricted, bool IsPart2, long ExpectedVersion)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(UpdateClientCommand)} {{ ClientId = {ClientId}, PHI hidden }}";
}

/// <summary>Updates a client the member may edit: re-encrypted, re-indexed, audited with which flags changed.</summary>
/// <remarks>
/// Edit permission is checked by the gate (archived clients cannot be edited). A stale version is a conflict rather than
/// a silent overwrite of a colleague's change. The audit event says whether the details and each flag changed, never
/// the values.
/// </remarks>
public sealed class UpdateClientHandler(
    ClientAccessGate gate, IClientRepository clients, ClientProtector protector, IAuditLog audit, TimeProvider time)
{
    /// <summary>Updates the client.</summary>
    public async Task HandleAsync(UpdateClientCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = (await gate.RequireAsync(command.ClientId, ClientPermission.Edit, client, ct)).Actor;
        var stored = await clients.GetAsync(actor.PracticeId, command.ClientId, ct) ?? throw new RecordNotFoundException("client");
        if (stored.Version != command.ExpectedVersion)
        {
            throw new ConcurrencyConflictException("client");
        }

        var changed = await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Updated, "client", stored.Id.ToString(), stored.Id, () => protector.ChangeAsync(stored, command.Details, time.GetUtcNow(), ct), ct)
            with
        { IsRestricted = command.IsRestricted, IsPart2 = command.IsPart2 };
        await clients.UpdateAsync(actor.PracticeId, changed, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Updated, AuditResult.Success, "client", stored.Id.ToString(), stored.Id, ct,
            ("restricted", command.IsRestricted ? "true" : "false"),
            ("part2", command.IsPart2 ? "true" : "false"),
            ("flagsChanged", stored.IsRestricted != command.IsRestricted || stored.IsPart2 != command.IsPart2 ? "true" : "false"));
    }
}
