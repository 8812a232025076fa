using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Billing.StartCheckout;

/// <summary>Start a subscription through Stripe Checkout.</summary>
/// <param name="Annual">Subscribe to the annual price instead of the monthly one.</param>
public sealed record StartCheckoutCommand(bool Annual = false);

/// <summary>Creates a Checkout session for the practice's billable seats and returns its hosted page.</summary>
/// <remarks>
/// Owners only. Stripe receives the practice id (metadata) and the owner's email, nothing else of the practice and
/// nothing of its clients. The return URL carries Stripe's session id, which the billing page verifies server-side
/// (<see cref="CompleteCheckout.CompleteCheckoutHandler"/>). Refused while a live subscription exists: the portal
/// manages that one.
/// </remarks>
public sealed class StartCheckoutHandler(
    PracticeAccessGate gate, IBillingConfiguration config, IPracticeBillingRepository billings, BillingState state, IBillingGateway gateway, IAuditLog audit, IOptions<AppOptions> app)
{
    /// <summary>Shown when billing is off.</summary>
    public const string BillingOffMessage = "Billing is off on this installation.";

    /// <summary>Shown when a subscription is already live.</summary>
    public const string AlreadySubscribedMessage = "The practice already has a subscription. Manage it in the billing portal.";

    /// <summary>Shown when the annual price is not configured.</summary>
    public const string NoAnnualPriceMessage = "There is no annual plan.";

    /// <summary>The Checkout session; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<CheckoutStart> HandleAsync(StartCheckoutCommand command, ClientInfo client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = await gate.RequireAsync(BillingPolicy.CanManageBilling, AuditAction.SettingsChanged, "billing", client, ct);
        if (!config.IsEnabled || string.IsNullOrEmpty(config.MonthlyPriceId))
        {
            throw new ValidationFailedException(BillingOffMessage);
        }

        var price = command.Annual ? config.AnnualPriceId : config.MonthlyPriceId;
        if (string.IsNullOrEmpty(price))
        {
            throw new ValidationFailedException(NoAnnualPriceMessage);
        }

        var billing = await billings.GetAsync(actor.PracticeId, ct);
        if (billing?.Status is BillingStatus.Active or BillingStatus.Trialing or BillingStatus.PastDue or BillingStatus.Unpaid)
        {
            throw new ValidationFailedException(AlreadySubscribedMessage);
        }

        var seats = await state.BillableSeatsAsync(actor.PracticeId, ct);
        var start = await gateway.CreateCheckoutAsync(
            new CheckoutRequest(
                actor.PracticeId,
                actor.Email,
                billing?.CustomerId,
                price,
                seats,
                billing?.SubscriptionId is null ? config.TrialDays : 0,
                app.Value.Link("/practice/billing?checkout={CHECKOUT_SESSION_ID}"),
                app.Value.Link("/practice/billing")),
            ct);
        await Access.AccessAudit.RecordAsync(
            audit, actor, client, AuditAction.SettingsChanged, AuditResult.Success, "billing", actor.PracticeId.ToString(), null, ct,
            ("setting", "billing-checkout-started"), ("checkout", start.SessionId));
        return start;
    }
}
