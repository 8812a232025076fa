using Plexura.Core.Memberships;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Billing;

/// <summary>Who may see and change the practice's billing.</summary>
public static class BillingPolicy
{
    /// <summary>Shown to anyone but an owner who opens billing.</summary>
    public const string NotAnOwnerMessage = "Only the practice's owners can see and manage billing.";

    /// <summary>Whether the actor may see the billing page and start Checkout, the portal or a seat update.</summary>
    /// <remarks>Owners only, with a second factor like every manager: the subscription is the owner's contract with Stripe.</remarks>
    public static PracticeDecision CanManageBilling(PracticeActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role != PracticeRole.Owner)
        {
            return PracticeDecision.Deny("role", NotAnOwnerMessage);
        }

        return actor.HasMfa ? PracticeDecision.Allowed : PracticeDecision.Deny("mfa-required", PracticePolicy.ManagerNeedsMfaMessage);
    }
}
