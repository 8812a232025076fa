using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Access.SetMemberScope;

/// <summary>Set which clients a clinician reaches: every client (with these permissions) or only granted ones.</summary>
/// <param name="MembershipId">The clinician's membership.</param>
/// <param name="Scope">All clients or granted only.</param>
/// <param name="AllClientsPermissions">The permissions on every client; ignored (stored as none) for <see cref="ClientScope.GrantedOnly"/>.</param>
public sealed record SetMemberScopeCommand(MembershipId MembershipId, ClientScope Scope, ClientPermissions AllClientsPermissions);

/// <summary>Stores the scope on the membership, audited with the old and new value.</summary>
/// <remarks>
/// Owners and admins with a second factor (<see cref="ClientAuthorization.CanManageAccess"/>); a clinician who tries
/// is refused and audited. Only clinicians have a scope (<see cref="AccessTargets"/>). Setting the current value
/// again changes and audits nothing; a concurrent edit of the membership (a role change) is retried on the fresh
/// copy, so the scope lands on whatever the membership now is.
/// </remarks>
public sealed class SetMemberScopeHandler(PracticeAccessGate gate, AccessTargets targets, IMembershipRepository memberships, IAuditLog audit)
{
    private const int MaxAttempts = 5;

    /// <summary>Sets the scope; throws <see cref="RecordNotFoundException"/>, <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task HandleAsync(SetMemberScopeCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(ClientAuthorization.CanManageAccess, AuditAction.PermissionChanged, "membership", client, ct);
        if (!Enum.IsDefined(command.Scope))
        {
            throw new ValidationFailedException("Choose all clients or granted clients only.");
        }

        var permissions = command.Scope == ClientScope.AllClients ? command.AllClientsPermissions : ClientPermissions.None;
        for (var attempt = 1; ; attempt++)
        {
            var target = await targets.ClinicianAsync(actor, command.MembershipId, "membership", null, client, ct);
            if (target.ClientScope == command.Scope && target.AllClientsPermissions == permissions)
            {
                return;
            }

            try
            {
                await memberships.UpdateAsync(actor.PracticeId, target with { ClientScope = command.Scope, AllClientsPermissions = permissions }, ct);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                continue;
            }

            await AccessAudit.RecordAsync(
                audit, actor, client, AuditAction.PermissionChanged, AuditResult.Success, "membership", target.Id.ToString(), null, ct,
                ("change", "client-scope"),
                ("fromScope", ScopeCode(target.ClientScope)),
                ("fromPermissions", target.AllClientsPermissions.ToAuditString()),
                ("toScope", ScopeCode(command.Scope)),
                ("toPermissions", permissions.ToAuditString()));
            return;
        }
    }

    private static string ScopeCode(ClientScope scope) => scope == ClientScope.AllClients ? "all-clients" : "granted-only";
}
