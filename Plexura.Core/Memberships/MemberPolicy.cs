using Plexura.Core.Practices.Access;

namespace Plexura.Core.Memberships;

/// <summary>Who may change whose role, remove whom and hand over ownership: pure rules with a reason for every refusal.</summary>
/// <remarks>
/// Built on <see cref="PracticePolicy.CanManageMembers"/> (owners and admins with a second factor). Nobody grants
/// more than they hold: admins move members between clinician and compliance only; making, unmaking or removing an
/// admin or an owner takes an owner. Nobody becomes an owner by a role change: ownership is handed over
/// (<see cref="CanTransferOwnership"/>), so every owner was chosen by an owner. Several owners may exist (an owner
/// may hand over and stay an owner), which is why "the last owner" is a rule of its own, checked by the use cases
/// against storage, not here.
/// </remarks>
public static class MemberPolicy
{
    /// <summary>Shown when someone tries to make an owner by a role change.</summary>
    public const string OwnerByTransferOnlyMessage = "Owners are made by transferring ownership, not by changing a role.";

    /// <summary>Shown to an admin who tries to make, unmake or remove an admin.</summary>
    public const string OnlyOwnerManagesAdminsMessage = "Only an owner can make, unmake or remove an admin.";

    /// <summary>Shown to an admin who tries to change or remove an owner.</summary>
    public const string OnlyOwnerManagesOwnersMessage = "Only an owner can change or remove an owner.";

    /// <summary>Shown when a manager tries to remove themselves.</summary>
    public const string UseLeaveMessage = "To remove yourself, leave the practice instead.";

    /// <summary>Shown to a non-owner who tries to hand over ownership.</summary>
    public const string OnlyOwnerTransfersMessage = "Only an owner can transfer ownership.";

    /// <summary>Shown when the last owner would leave, be removed or lose the owner role.</summary>
    public const string LastOwnerMessage = "A practice must keep at least one owner. Transfer ownership first.";

    /// <summary>Shown when the new owner has no second factor or an unverified email.</summary>
    public const string NewOwnerNeedsMfaMessage = "The new owner must have verified their email and set up two-step sign-in first.";

    /// <summary>Whether the actor may give <paramref name="target"/> the role <paramref name="newRole"/>.</summary>
    public static PracticeDecision CanChangeRole(PracticeActor actor, Membership target, PracticeRole newRole)
    {
        ArgumentNullException.ThrowIfNull(target);
        var manage = PracticePolicy.CanManageMembers(actor);
        if (!manage.IsAllowed)
        {
            return manage;
        }

        if (newRole == PracticeRole.Owner)
        {
            return PracticeDecision.Deny("owner-by-transfer", OwnerByTransferOnlyMessage);
        }

        if (target.Role == PracticeRole.Owner && actor.Role != PracticeRole.Owner)
        {
            return PracticeDecision.Deny("role", OnlyOwnerManagesOwnersMessage);
        }

        return (target.Role == PracticeRole.Admin || newRole == PracticeRole.Admin) && actor.Role != PracticeRole.Owner
            ? PracticeDecision.Deny("role", OnlyOwnerManagesAdminsMessage)
            : PracticeDecision.Allowed;
    }

    /// <summary>Whether the actor may remove <paramref name="target"/> from the practice.</summary>
    public static PracticeDecision CanRemove(PracticeActor actor, Membership target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var manage = PracticePolicy.CanManageMembers(actor);
        if (!manage.IsAllowed)
        {
            return manage;
        }

        if (target.Id == actor.MembershipId)
        {
            return PracticeDecision.Deny("self", UseLeaveMessage);
        }

        return target.Role switch
        {
            PracticeRole.Owner when actor.Role != PracticeRole.Owner => PracticeDecision.Deny("role", OnlyOwnerManagesOwnersMessage),
            PracticeRole.Admin when actor.Role != PracticeRole.Owner => PracticeDecision.Deny("role", OnlyOwnerManagesAdminsMessage),
            _ => PracticeDecision.Allowed,
        };
    }

    /// <summary>Whether the actor may hand ownership over (owners with a second factor only).</summary>
    public static PracticeDecision CanTransferOwnership(PracticeActor actor)
    {
        var manage = PracticePolicy.CanManageMembers(actor);
        if (!manage.IsAllowed)
        {
            return manage.Code == "role" ? PracticeDecision.Deny("role", OnlyOwnerTransfersMessage) : manage;
        }

        return actor.Role == PracticeRole.Owner ? PracticeDecision.Allowed : PracticeDecision.Deny("role", OnlyOwnerTransfersMessage);
    }
}
