using Plexura.Core.Common;

namespace Plexura.Core.Billing;

/// <summary>Where a practice's subscription stands, as Stripe reports it (plus <see cref="None"/> before any).</summary>
public enum BillingStatus
{
    /// <summary>No subscription was ever started.</summary>
    None,

    /// <summary>Checkout started a subscription whose first payment has not succeeded yet.</summary>
    Incomplete,

    /// <summary>In the free trial.</summary>
    Trialing,

    /// <summary>Paid up.</summary>
    Active,

    /// <summary>A payment failed; the grace period runs from the first failure.</summary>
    PastDue,

    /// <summary>Ended (by the owner through the portal, or by Stripe after failed payments).</summary>
    Canceled,

    /// <summary>Payments kept failing and Stripe stopped retrying; the subscription stays but is not paid.</summary>
    Unpaid,
}

/// <summary>A practice's subscription as last applied from Stripe: ids, state and seat sync; never client data.</summary>
/// <param name="Id">The practice id (one document per practice).</param>
/// <param name="PracticeId">The practice.</param>
/// <param name="CustomerId">Stripe's customer id (<c>cus_...</c>).</param>
/// <param name="SubscriptionId">Stripe's subscription id (<c>sub_...</c>).</param>
/// <param name="SubscriptionItemId">The per-seat item (<c>si_...</c>) whose quantity is the billed seat count.</param>
/// <param name="Status">The subscription's state.</param>
/// <param name="PriceId">The price subscribed to.</param>
/// <param name="Interval">The price's interval (<c>month</c> or <c>year</c>).</param>
/// <param name="BilledSeats">The quantity Stripe bills.</param>
/// <param name="TrialEnd">When the trial ends, if trialing.</param>
/// <param name="CurrentPeriodEnd">When the current billing period ends.</param>
/// <param name="CancelAtPeriodEnd">Whether the subscription ends with the current period.</param>
/// <param name="PastDueSince">When a payment first failed, until one succeeds; the grace period counts from it.</param>
/// <param name="StateAt">
/// Stripe's time of the newest event whose subscription state was applied (its <c>created</c>): an older event never
/// moves the subscription backwards.
/// </param>
/// <param name="PaymentStateAt">Stripe's time of the newest invoice event applied (paid or failed).</param>
/// <param name="SeatSyncError">Why the last seat update failed (a code), or null when the last one succeeded.</param>
/// <param name="SeatSyncErrorAt">When it failed.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
public sealed record PracticeBilling(
    string Id,
    PracticeId PracticeId,
    string? CustomerId,
    string? SubscriptionId,
    string? SubscriptionItemId,
    BillingStatus Status,
    string? PriceId,
    string? Interval,
    int BilledSeats,
    DateTimeOffset? TrialEnd,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    DateTimeOffset? PastDueSince,
    DateTimeOffset? StateAt,
    DateTimeOffset? PaymentStateAt,
    string? SeatSyncError,
    DateTimeOffset? SeatSyncErrorAt,
    long Version = 0) : IPracticeOwned, IVersioned
{
    /// <summary>The record type, for storage errors.</summary>
    public const string RecordType = "practice billing";

    /// <summary>A practice's record before any subscription.</summary>
    public static PracticeBilling Empty(PracticeId practiceId) =>
        new(practiceId.ToString(), practiceId, null, null, null, BillingStatus.None, null, null, 0, null, null, false, null, null, null, null, null);
}

/// <summary>How far a webhook event got: claimed by an instance, applied, or failed (claimable again).</summary>
public enum StripeEventState
{
    /// <summary>An instance is applying it.</summary>
    Processing,

    /// <summary>Applied (or ignored as unknown, stale or irrelevant); a redelivery does nothing.</summary>
    Applied,

    /// <summary>Applying it failed; Stripe's retry may claim it again.</summary>
    Failed,
}

/// <summary>One Stripe webhook event as received: its id is the document id, so each event is stored (and applied) once.</summary>
/// <param name="Id">Stripe's event id (<c>evt_...</c>).</param>
/// <param name="Type">The event type.</param>
/// <param name="State">How far it got.</param>
/// <param name="ClaimedAt">When an instance last claimed it.</param>
/// <param name="AppliedAt">When it was applied.</param>
/// <param name="Outcome">What applying it did (a code: <c>applied</c>, <c>stale</c>, <c>ignored</c>, <c>no-practice</c>).</param>
/// <param name="PracticeId">The practice it concerned, once known.</param>
/// <param name="Version">The optimistic-concurrency version.</param>
[GlobalRecord("Webhook events arrive before their practice is known (it is read from the event), and the event id must be unique across all practices.")]
public sealed record StripeEventRecord(
    string Id,
    string Type,
    StripeEventState State,
    DateTimeOffset ClaimedAt,
    DateTimeOffset? AppliedAt,
    string? Outcome,
    string? PracticeId,
    long Version = 0) : IVersioned
{
    /// <summary>The record type, for storage errors.</summary>
    public const string RecordType = "stripe event";
}

/// <summary>A subscription as Stripe returned it (or as a webhook carried it), in Core's terms.</summary>
/// <param name="Id">The subscription id.</param>
/// <param name="CustomerId">The customer id.</param>
/// <param name="Status">Stripe's status string (<c>active</c>, <c>past_due</c>, ...).</param>
/// <param name="ItemId">The first item's id.</param>
/// <param name="PriceId">The first item's price id.</param>
/// <param name="Interval">The price's interval.</param>
/// <param name="Quantity">The first item's quantity.</param>
/// <param name="TrialEnd">The trial's end.</param>
/// <param name="CurrentPeriodEnd">The current period's end.</param>
/// <param name="CancelAtPeriodEnd">Whether it ends with the period.</param>
/// <param name="PracticeIdMetadata">The <c>practice_id</c> metadata value, if any.</param>
public sealed record SubscriptionSnapshot(
    string Id,
    string? CustomerId,
    string Status,
    string? ItemId,
    string? PriceId,
    string? Interval,
    int Quantity,
    DateTimeOffset? TrialEnd,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    string? PracticeIdMetadata);

/// <summary>A Checkout session as Stripe returned it.</summary>
/// <param name="Id">The session id (<c>cs_...</c>).</param>
/// <param name="PracticeIdMetadata">The <c>practice_id</c> metadata value.</param>
/// <param name="CustomerId">The customer created or used.</param>
/// <param name="SubscriptionId">The subscription created, once complete.</param>
/// <param name="Status">Stripe's status (<c>open</c>, <c>complete</c>, <c>expired</c>).</param>
public sealed record CheckoutSnapshot(string Id, string? PracticeIdMetadata, string? CustomerId, string? SubscriptionId, string? Status);

/// <summary>An invoice as listed on the billing page: amounts, dates and Stripe's hosted link.</summary>
/// <param name="Id">The invoice id.</param>
/// <param name="Number">The invoice number.</param>
/// <param name="Status">Stripe's status (<c>paid</c>, <c>open</c>, ...).</param>
/// <param name="AmountDue">The amount due in the currency's smallest unit.</param>
/// <param name="Currency">The currency code.</param>
/// <param name="Created">When it was created.</param>
/// <param name="HostedUrl">Stripe's hosted invoice page.</param>
/// <param name="PdfUrl">The PDF.</param>
public sealed record InvoiceSummary(string Id, string? Number, string? Status, long AmountDue, string Currency, DateTimeOffset Created, string? HostedUrl, string? PdfUrl);

/// <summary>The next invoice as Stripe previews it.</summary>
/// <param name="AmountDue">The amount in the currency's smallest unit.</param>
/// <param name="Currency">The currency code.</param>
/// <param name="NextPaymentAttempt">When Stripe will charge it.</param>
public sealed record InvoiceEstimate(long AmountDue, string Currency, DateTimeOffset? NextPaymentAttempt);

/// <summary>What a verified webhook event carries, in Core's terms (no Stripe types).</summary>
/// <param name="Id">The event id.</param>
/// <param name="Type">The event type.</param>
/// <param name="Created">Stripe's creation time of the event.</param>
/// <param name="Subscription">The subscription, for <c>customer.subscription.*</c> events.</param>
/// <param name="Checkout">The session, for <c>checkout.session.completed</c>.</param>
/// <param name="InvoiceCustomerId">The invoice's customer, for <c>invoice.*</c> events.</param>
/// <param name="InvoiceSubscriptionId">The invoice's subscription, for <c>invoice.*</c> events.</param>
/// <param name="InvoiceId">The invoice's id, for <c>invoice.*</c> events.</param>
public sealed record BillingEvent(
    string Id,
    string Type,
    DateTimeOffset Created,
    SubscriptionSnapshot? Subscription = null,
    CheckoutSnapshot? Checkout = null,
    string? InvoiceCustomerId = null,
    string? InvoiceSubscriptionId = null,
    string? InvoiceId = null);

/// <summary>Webhook event types the app acts on.</summary>
public static class BillingEventTypes
{
    /// <summary>Checkout finished: link the customer and subscription to the practice.</summary>
    public const string CheckoutCompleted = "checkout.session.completed";

    /// <summary>A subscription was created.</summary>
    public const string SubscriptionCreated = "customer.subscription.created";

    /// <summary>A subscription changed.</summary>
    public const string SubscriptionUpdated = "customer.subscription.updated";

    /// <summary>A subscription ended.</summary>
    public const string SubscriptionDeleted = "customer.subscription.deleted";

    /// <summary>The trial ends in three days.</summary>
    public const string TrialWillEnd = "customer.subscription.trial_will_end";

    /// <summary>An invoice was paid.</summary>
    public const string InvoicePaid = "invoice.paid";

    /// <summary>An invoice payment failed.</summary>
    public const string InvoicePaymentFailed = "invoice.payment_failed";

    /// <summary>Every type handled; anything else is acknowledged and ignored.</summary>
    public static readonly IReadOnlySet<string> Handled = new HashSet<string>(
        [CheckoutCompleted, SubscriptionCreated, SubscriptionUpdated, SubscriptionDeleted, TrialWillEnd, InvoicePaid, InvoicePaymentFailed],
        StringComparer.Ordinal);
}
