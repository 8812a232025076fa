using Plexura.Core.Auditing;
using Plexura.Core.Identity;
using Plexura.Core.Practices.Access;

namespace Plexura.Core.Billing.GetBillingOverview;

/// <summary>The billing page's content.</summary>
/// <param name="IsEnabled">Whether billing is on (off: the page says every practice is unlimited).</param>
/// <param name="Status">The subscription's state.</param>
/// <param name="Plan">The plan's name (<c>Monthly</c>, <c>Annual</c>) or null.</param>
/// <param name="SeatsUsed">Billable members now.</param>
/// <param name="SeatsBilled">The quantity Stripe bills.</param>
/// <param name="TrialEnd">The trial's end.</param>
/// <param name="CurrentPeriodEnd">The current period's end.</param>
/// <param name="CancelAtPeriodEnd">Whether the subscription ends with the period.</param>
/// <param name="Standing">What the state allows now.</param>
/// <param name="NextInvoice">Stripe's preview of the next invoice.</param>
/// <param name="Invoices">Recent invoices, newest first.</param>
/// <param name="SeatSyncError">The last seat update's failure code, or null.</param>
/// <param name="StripeError">Why Stripe could not be read just now (the invoices and estimate are then missing), or null.</param>
/// <param name="HasCustomer">Whether the practice has a Stripe customer (the portal works).</param>
public sealed record BillingOverview(
    bool IsEnabled,
    BillingStatus Status,
    string? Plan,
    int SeatsUsed,
    int SeatsBilled,
    DateTimeOffset? TrialEnd,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    BillingStanding Standing,
    InvoiceEstimate? NextInvoice,
    IReadOnlyList<InvoiceSummary> Invoices,
    string? SeatSyncError,
    string? StripeError,
    bool HasCustomer);

/// <summary>Reads the practice's billing for its owners (<see cref="BillingPolicy.CanManageBilling"/>).</summary>
/// <remarks>
/// The stored state comes from webhooks; invoices and the next-invoice estimate are read from Stripe live. A Stripe
/// failure there is shown as a note on the page, never an error: the stored state is still worth showing.
/// </remarks>
public sealed class GetBillingOverviewHandler(
    PracticeAccessGate gate, IBillingConfiguration config, IPracticeBillingRepository billings, BillingState state, IBillingGateway gateway)
{
    /// <summary>The overview; throws <see cref="Common.AccessDeniedException"/> for anyone but an owner with a second factor.</summary>
    public async Task<BillingOverview> HandleAsync(ClientInfo client, CancellationToken ct)
    {
        var actor = await gate.RequireAsync(BillingPolicy.CanManageBilling, AuditAction.AdministrationViewed, "billing", client, ct);
        var seats = await state.BillableSeatsAsync(actor.PracticeId, ct);
        if (!config.IsEnabled)
        {
            return new BillingOverview(false, BillingStatus.None, null, seats, 0, null, null, false, BillingStanding.Unlimited, null, [], null, null, false);
        }

        var billing = await billings.GetAsync(actor.PracticeId, ct) ?? PracticeBilling.Empty(actor.PracticeId);
        var standing = await state.StandingAsync(actor.PracticeId, ct);
        InvoiceEstimate? next = null;
        IReadOnlyList<InvoiceSummary> invoices = [];
        string? stripeError = null;
        if (billing.CustomerId is { } customer)
        {
            try
            {
                invoices = await gateway.ListInvoicesAsync(customer, 10, ct);
                if (billing.SubscriptionId is { } subscription && billing.Status is not BillingStatus.Canceled)
                {
                    next = await gateway.PreviewNextInvoiceAsync(customer, subscription, ct);
                }
            }
            catch (BillingGatewayException ex)
            {
                stripeError = ex.Code;
            }
        }

        var plan = billing.PriceId is null ? null
            : string.Equals(billing.PriceId, config.AnnualPriceId, StringComparison.Ordinal) || billing.Interval == "year" ? "Annual"
            : "Monthly";
        return new BillingOverview(
            true, billing.Status, plan, seats, billing.BilledSeats, billing.TrialEnd, billing.CurrentPeriodEnd, billing.CancelAtPeriodEnd,
            standing, next, invoices, billing.SeatSyncError, stripeError, billing.CustomerId is not null);
    }
}
