using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access.GrantClientAccess;

/// <summary>Give a clinician these permissions on one client (replacing any earlier grant on it).</summary>
/// <param name="MembershipId">The clinician's membership in the signed-in user's practice.</param>
/// <param name="ClientId">The client, which must belong to the practice.</param>
/// <param name="Permissions">The four permissions; at least one (to take all away, revoke).</param>
public sealed record GrantClientAccessCommand(MembershipId MembershipId, ClientId ClientId, ClientPermissions Permissions);

/// <summary>Creates or replaces the member's grant on the client, audited as <see cref="AuditAction.PermissionChanged"/>.</summary>
/// <remarks>
/// Owners and admins with a second factor (<see cref="ClientAuthorization.CanManageAccess"/>). Both ids are checked
/// against the actor's practice: a forged member or client is refused, audited and "not found"
/// (<see cref="AccessTargets"/>), and nothing is written. One grant per member and client (a unique key in storage):
/// two managers granting at once end with one grant, the later write winning after a retry on the fresh copy.
/// </remarks>
public sealed class GrantClientAccessHandler(PracticeAccessGate gate, AccessTargets targets, IClientGrantRepository grants, IAuditLog audit, TimeProvider time)
{
    /// <summary>Shown when no permission is chosen.</summary>
    public const string NoPermissionMessage = "Choose at least one permission, or revoke the access instead.";

    private const int MaxAttempts = 5;

    /// <summary>Grants; returns the stored grant. Throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<ClientGrant> HandleAsync(GrantClientAccessCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(ClientAuthorization.CanManageAccess, AuditAction.PermissionChanged, "client-grant", client, ct);
        var member = await targets.ClinicianAsync(actor, command.MembershipId, "client-grant", command.ClientId, client, ct);
        await targets.ClientAsync(actor, command.ClientId, AuditAction.PermissionChanged, "client-grant", client, ct);
        if (command.Permissions.IsNone)
        {
            throw new ValidationFailedException(NoPermissionMessage);
        }

        for (var attempt = 1; ; attempt++)
        {
            var existing = await grants.FindAsync(actor.PracticeId, member.Id, command.ClientId, ct);
            if (existing is not null && existing.ToPermissions() == command.Permissions)
            {
                return existing;
            }

            ClientGrant stored;
            try
            {
                if (existing is null)
                {
                    stored = new ClientGrant(ClientGrantId.New(), actor.PracticeId, member.Id, command.ClientId, false, false, false, false, actor.UserId, time.GetUtcNow())
                        .WithPermissions(command.Permissions);
                    await grants.AddAsync(actor.PracticeId, stored, ct);
                }
                else
                {
                    stored = await grants.UpdateAsync(
                        actor.PracticeId, existing.WithPermissions(command.Permissions) with { GrantedBy = actor.UserId, GrantedAt = time.GetUtcNow() }, ct);
                }
            }
            catch (Exception ex) when (ex is DuplicateRecordException or ConcurrencyConflictException && attempt < MaxAttempts)
            {
                continue;
            }

            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PermissionChanged, AuditResult.Success, "client-grant", stored.Id.ToString(), command.ClientId, ct,
                ("change", "client-grant"),
                ("membership", member.Id.ToString()),
                ("from", existing?.ToPermissions().ToAuditString() ?? "none"),
                ("to", command.Permissions.ToAuditString()));
            return stored;
        }
    }
}
