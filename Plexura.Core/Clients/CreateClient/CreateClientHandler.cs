using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Clients.CreateClient;

/// <summary>Add a client to the signed-in member's practice.</summary>
/// <param name="Details">Name, date of birth and the optional pronouns and external record number.</param>
/// <param name="IsRestricted">The client asked for a restriction (§ 164.522): no push and no export.</param>
/// <param name="IsPart2">A 42 CFR Part 2 substance-use record: push and export need a disclosure consent.</param>
public sealed record CreateClientCommand(ClientDetails Details, bool IsRestricted = false, bool IsPart2 = false)
{
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CreateClientCommand)} {{ PHI hidden }}";
}

/// <summary>Creates a client: validated, encrypted with the practice key, indexed for search, audited.</summary>
/// <remarks>
/// The practice and the creator come from the signed-in member, never the command. Compliance staff and members the
/// practice gate keeps out (unverified email, missing required second factor) are refused and audited as Denied.
/// The audit event names the client id only; the name and birth date never reach the log.
/// </remarks>
public sealed class CreateClientHandler(
    PracticeAccessGate gate, ClientProtector protector, IClientRepository clients, IAuditLog audit, TimeProvider time)
{
    /// <summary>Creates the client and returns its id.</summary>
    /// <exception cref="AccessDeniedException">The member may not add clients.</exception>
    /// <exception cref="ValidationFailedException">A field breaks a rule; nothing is stored.</exception>
    public async Task<ClientId> HandleAsync(CreateClientCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(ClientAuthorization.CanCreateClient, AuditAction.Created, "client", client, ct);
        var now = time.GetUtcNow();
        var id = ClientId.New();
        var created = await AccessAudit.RefusingInvalidInputAsync(
            audit, actor, client, AuditAction.Created, "client", null, null, () => protector.CreateAsync(actor.PracticeId, id, command.Details, actor.UserId, now, ct), ct)
            with
        { IsRestricted = command.IsRestricted, IsPart2 = command.IsPart2 };
        await clients.AddAsync(actor.PracticeId, created, ct);
        await AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.Created, AuditResult.Success, "client", created.Id.ToString(), created.Id, ct,
            ("restricted", command.IsRestricted ? "true" : "false"), ("part2", command.IsPart2 ? "true" : "false"));
        return created.Id;
    }
}
