using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access.RevokeClientAccess;

/// <summary>Take away a member's grant on one client.</summary>
/// <param name="MembershipId">The member, in the signed-in user's practice.</param>
/// <param name="ClientId">The client.</param>
public sealed record RevokeClientAccessCommand(MembershipId MembershipId, ClientId ClientId);

/// <summary>Deletes the grant, audited with what it allowed.</summary>
/// <remarks>
/// Owners and admins with a second factor. The member and the client must belong to the practice (otherwise audited
/// and "not found", like a forged grant); a member without a grant on the client is left as is, quietly: the wanted
/// state already holds. The
/// creator's implicit view and edit (see <see cref="ClientAuthorization"/>) are not a grant and stay.
/// </remarks>
public sealed class RevokeClientAccessHandler(
    PracticeAccessGate gate, AccessTargets targets, IMembershipRepository memberships, IClientGrantRepository grants, IAuditLog audit)
{
    private const int MaxAttempts = 5;

    /// <summary>Revokes; throws <see cref="RecordNotFoundException"/> or <see cref="AccessDeniedException"/>.</summary>
    public async Task HandleAsync(RevokeClientAccessCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(ClientAuthorization.CanManageAccess, AuditAction.PermissionChanged, "client-grant", client, ct);
        if (await memberships.GetAsync(actor.PracticeId, command.MembershipId, ct) is null)
        {
            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PermissionChanged, AuditResult.Denied, "client-grant", command.MembershipId.ToString(), command.ClientId, ct,
                ("reason", "unknown-member"));
            throw new RecordNotFoundException("membership");
        }

        await targets.ClientAsync(actor, command.ClientId, AuditAction.PermissionChanged, "client-grant", client, ct);
        for (var attempt = 1; ; attempt++)
        {
            var grant = await grants.FindAsync(actor.PracticeId, command.MembershipId, command.ClientId, ct);
            if (grant is null)
            {
                return;
            }

            try
            {
                await grants.DeleteAsync(actor.PracticeId, grant.Id, grant.Version, ct);
            }
            catch (Exception ex) when (ex is RecordNotFoundException or ConcurrencyConflictException && attempt < MaxAttempts)
            {
                continue;
            }

            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PermissionChanged, AuditResult.Success, "client-grant", grant.Id.ToString(), command.ClientId, ct,
                ("change", "client-grant-revoked"),
                ("membership", grant.MembershipId.ToString()),
                ("from", grant.ToPermissions().ToAuditString()),
                ("to", "none"));
            return;
        }
    }
}
