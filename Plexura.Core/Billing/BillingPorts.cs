using Plexura.Core.Common;

namespace Plexura.Core.Billing;

/// <summary>Billing configuration as Core needs it (Infrastructure binds <c>Plexura:Billing</c>).</summary>
public interface IBillingConfiguration
{
    /// <summary>Whether billing is on (a Stripe secret key is set). Off: every practice is unlimited.</summary>
    bool IsEnabled { get; }

    /// <summary>The monthly per-seat price.</summary>
    string? MonthlyPriceId { get; }

    /// <summary>The optional annual per-seat price.</summary>
    string? AnnualPriceId { get; }

    /// <summary>Free trial days given by Checkout (0 = none).</summary>
    int TrialDays { get; }

    /// <summary>Days a past-due practice keeps working after the first failed payment.</summary>
    int GraceDays { get; }
}

/// <summary>Each practice's billing record.</summary>
public interface IPracticeBillingRepository
{
    /// <summary>The practice's record, or null before billing ever touched it.</summary>
    Task<PracticeBilling?> GetAsync(PracticeId practiceId, CancellationToken ct);

    /// <summary>Adds the practice's first record; <see cref="DuplicateRecordException"/> when one exists.</summary>
    Task AddAsync(PracticeId practiceId, PracticeBilling billing, CancellationToken ct);

    /// <summary>Replaces it; <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task<PracticeBilling> UpdateAsync(PracticeId practiceId, PracticeBilling billing, CancellationToken ct);

    /// <summary>The practice billed to a Stripe customer, if any.</summary>
    [CrossPractice("A webhook names a Stripe customer, not a practice: the customer id finds the practice it belongs to.")]
    Task<PracticeBilling?> FindByCustomerAsync(string customerId, CancellationToken ct);
}

/// <summary>What <see cref="IStripeEventStore.ClaimAsync"/> found.</summary>
public enum StripeEventClaim
{
    /// <summary>This caller owns the event now and must apply it, then mark it.</summary>
    Claimed,

    /// <summary>Already applied: do nothing.</summary>
    AlreadyApplied,

    /// <summary>Another instance is applying it right now.</summary>
    InProgress,
}

/// <summary>Received webhook events, one per Stripe event id (a unique key), so each is applied once.</summary>
public interface IStripeEventStore
{
    /// <summary>
    /// Claims the event: inserts it (the id is unique, so of two instances inserting at once one wins), or takes over a
    /// failed one or one whose claim is older than <paramref name="lease"/> (an instance that died mid-way).
    /// </summary>
    Task<StripeEventClaim> ClaimAsync(string eventId, string type, DateTimeOffset now, TimeSpan lease, CancellationToken ct);

    /// <summary>Marks a claimed event applied with its outcome.</summary>
    Task MarkAppliedAsync(string eventId, string outcome, PracticeId? practiceId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Marks a claimed event failed, so Stripe's retry claims it again.</summary>
    Task MarkFailedAsync(string eventId, CancellationToken ct);

    /// <summary>The stored event, or null.</summary>
    Task<StripeEventRecord?> GetAsync(string eventId, CancellationToken ct);
}

/// <summary>A Checkout session to create.</summary>
/// <param name="PracticeId">Sent as <c>practice_id</c> metadata (on the session and the subscription).</param>
/// <param name="CustomerEmail">The owner's email, for a new customer.</param>
/// <param name="CustomerId">The practice's existing customer, if any.</param>
/// <param name="PriceId">The per-seat price.</param>
/// <param name="Seats">The seat quantity.</param>
/// <param name="TrialDays">Free trial days (0 = none).</param>
/// <param name="SuccessUrl">Where Stripe returns to, with <c>{CHECKOUT_SESSION_ID}</c>.</param>
/// <param name="CancelUrl">Where Stripe returns to when the owner backs out.</param>
public sealed record CheckoutRequest(
    PracticeId PracticeId, string CustomerEmail, string? CustomerId, string PriceId, int Seats, int TrialDays, string SuccessUrl, string CancelUrl);

/// <summary>A Checkout session created: its id and hosted page.</summary>
public sealed record CheckoutStart(string SessionId, string Url);

/// <summary>Stripe, through its SDK: the only billing calls the app makes. Each call is one attempt plus the SDK's own retries.</summary>
public interface IBillingGateway
{
    /// <summary>Creates a Checkout session for a per-seat subscription.</summary>
    Task<CheckoutStart> CreateCheckoutAsync(CheckoutRequest request, CancellationToken ct);

    /// <summary>The Checkout session, or null when Stripe knows no such session.</summary>
    Task<CheckoutSnapshot?> GetCheckoutAsync(string sessionId, CancellationToken ct);

    /// <summary>Creates a customer portal session; returns its URL.</summary>
    Task<string> CreatePortalAsync(string customerId, string returnUrl, CancellationToken ct);

    /// <summary>The subscription as Stripe has it now.</summary>
    Task<SubscriptionSnapshot> GetSubscriptionAsync(string subscriptionId, CancellationToken ct);

    /// <summary>Sets the per-seat item's quantity (Stripe prorates); returns the subscription after.</summary>
    Task<SubscriptionSnapshot> UpdateSeatsAsync(string subscriptionId, string itemId, int seats, CancellationToken ct);

    /// <summary>The customer's recent invoices, newest first.</summary>
    Task<IReadOnlyList<InvoiceSummary>> ListInvoicesAsync(string customerId, int limit, CancellationToken ct);

    /// <summary>The next invoice's preview, or null when there is none.</summary>
    Task<InvoiceEstimate?> PreviewNextInvoiceAsync(string customerId, string subscriptionId, CancellationToken ct);
}

/// <summary>Reads a webhook delivery: verifies its signature and timestamp, then maps it.</summary>
public interface IBillingWebhookReader
{
    /// <summary>The event; throws <see cref="WebhookRejectedException"/> for a bad or missing signature or an old timestamp.</summary>
    BillingEvent Read(string payload, string? signatureHeader);
}

/// <summary>A webhook delivery that is not from Stripe or is too old (replayed).</summary>
/// <param name="code">A short code (<c>bad-signature</c>, <c>no-signature</c>, <c>too-old</c>, <c>malformed</c>).</param>
public sealed class WebhookRejectedException(string code) : Exception("The webhook delivery was refused: " + code)
{
    /// <summary>Why.</summary>
    public string Code { get; } = code;
}

/// <summary>Stripe refused or failed a call. The message names the status and Stripe's error code only.</summary>
public sealed class BillingGatewayException(string code, int? statusCode, bool isTransient, Exception? inner = null)
    : Exception($"Stripe call failed: {code} ({statusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response"})", inner)
{
    /// <summary>A short code (Stripe's error code, or <c>http-500</c>, <c>network</c>).</summary>
    public string Code { get; } = code;

    /// <summary>The HTTP status, or null when Stripe was not reached.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>Whether trying again may help (429, 409 lock, 5xx, network).</summary>
    public bool IsTransient { get; } = isTransient;
}
