using Microsoft.Extensions.Options;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Billing.OpenBillingPortal;

/// <summary>Opens Stripe's customer portal (payment method, invoices, cancellation) for the practice's customer.</summary>
public sealed class OpenBillingPortalHandler(PracticeAccessGate gate, IPracticeBillingRepository billings, IBillingGateway gateway, IOptions<AppOptions> app)
{
    /// <summary>Shown before the practice has a Stripe customer.</summary>
    public const string NoCustomerMessage = "Start a subscription first; the billing portal opens once Stripe knows the practice.";

    /// <summary>The portal's URL; throws <see cref="AccessDeniedException"/> or <see cref="ValidationFailedException"/>.</summary>
    public async Task<string> HandleAsync(ClientInfo client, CancellationToken ct)
    {
        var actor = await gate.RequireAsync(BillingPolicy.CanManageBilling, AuditAction.SettingsChanged, "billing", client, ct);
        var billing = await billings.GetAsync(actor.PracticeId, ct);
        if (billing?.CustomerId is not { } customer)
        {
            throw new ValidationFailedException(NoCustomerMessage);
        }

        return await gateway.CreatePortalAsync(customer, app.Value.Link("/practice/billing"), ct);
    }
}
