using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Memberships.RemoveMember;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Memberships.LeavePractice;

/// <summary>Leave the practice the session entered.</summary>
public sealed record LeavePracticeCommand;

/// <summary>Removes the signed-in user's own membership, like <see cref="RemoveMemberHandler"/>, unless they are the last owner.</summary>
/// <remarks>
/// Any member may leave, with or without a second factor: leaving only ever reduces access. The last owner is
/// refused (audited as denied) and must transfer ownership first. The leaver's sessions in this practice end at once,
/// this one included.
/// </remarks>
public sealed class LeavePracticeHandler(PracticeAccessGate gate, IMembershipRepository memberships, MemberChanges changes, IAuditLog audit)
{
    /// <summary>Leaves; throws <see cref="AccessDeniedException"/> for the last owner.</summary>
    public async Task HandleAsync(LeavePracticeCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(client);
        var actor = await gate.RequireAsync(_ => PracticeDecision.Allowed, AuditAction.PermissionChanged, "membership", client, ct);
        var own = await memberships.GetAsync(actor.PracticeId, actor.MembershipId, ct) ?? throw new AccessDeniedException(PracticeActorLoader.NotAMemberMessage);
        await RemoveMemberHandler.RemoveAsync(gate, memberships, changes, audit, actor, own, "left", client, ct);
    }
}
