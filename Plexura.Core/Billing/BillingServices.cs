using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Plexura.Core.Access;
using Plexura.Core.Auditing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Identity;
using Plexura.Core.Jobs;
using Plexura.Core.Memberships;
using Plexura.Core.Practices;
using Plexura.Core.Practices.Access;
using Plexura.Core.Users;

namespace Plexura.Core.Billing;

/// <summary>Reads a practice's billing standing (what its state allows now) and its billable seats.</summary>
public sealed class BillingState(
    IBillingConfiguration config, IPracticeBillingRepository billings, IPracticeRepository practices, IMembershipRepository memberships, TimeProvider time)
{
    /// <summary>Whether billing is on.</summary>
    public bool IsEnabled => config.IsEnabled;

    /// <summary>The practice's standing now; <see cref="BillingStanding.Unlimited"/> with billing off.</summary>
    public async Task<BillingStanding> StandingAsync(PracticeId practiceId, CancellationToken ct)
    {
        if (!config.IsEnabled)
        {
            return BillingStanding.Unlimited;
        }

        var billing = await billings.GetAsync(practiceId, ct);
        var practice = await practices.GetAsync(practiceId, ct);
        return BillingRules.Evaluate(billing, practice?.CreatedAt ?? DateTimeOffset.MinValue, true, config.TrialDays, config.GraceDays, time.GetUtcNow());
    }

    /// <summary>How many seats the practice uses: owners, admins and clinicians (compliance staff are free).</summary>
    public async Task<int> BillableSeatsAsync(PracticeId practiceId, CancellationToken ct)
    {
        var members = await memberships.ListAsync(practiceId, ct);
        return Math.Max(1, members.Count(m => BillingRules.IsBillable(m.Role)));
    }
}

/// <summary>Refuses new sessions and drafting when the practice's billing does not allow them (issue 14.4).</summary>
/// <remarks>Reading, signing and exporting never ask: the right of access is not billed.</remarks>
public sealed class BillingGuard(BillingState state, IAuditLog audit)
{
    /// <summary>Returns when new work is allowed; otherwise audits a <see cref="AuditResult.Denied"/> and throws <see cref="AccessDeniedException"/>.</summary>
    public async Task EnsureCanStartNewWorkAsync(PracticeActor actor, ClientInfo client, AuditAction attempted, string targetType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var standing = await state.StandingAsync(actor.PracticeId, ct);
        if (standing.CanStartNewWork)
        {
            return;
        }

        await AccessAudit.RecordAsync(audit, actor, client, attempted, AuditResult.Denied, targetType, null, null, ct, ("reason", "billing-inactive"));
        throw new AccessDeniedException(standing.Message ?? BillingRules.EndedMessage);
    }

    /// <summary>Whether new work is allowed (for background work with no member to refuse, such as a note's first draft).</summary>
    public async Task<bool> AllowsNewWorkAsync(PracticeId practiceId, CancellationToken ct) =>
        (await state.StandingAsync(practiceId, ct)).CanStartNewWork;
}

/// <summary>Billing emails to the practice's owners: payment failed, trial ending. Links only.</summary>
public sealed class BillingEmails(IMembershipRepository memberships, IUserRepository users, IEmailSender email, IOptions<AppOptions> app)
{
    /// <summary>Mails every owner that a payment failed; <paramref name="eventId"/> keeps it to one email per event.</summary>
    public Task PaymentFailedAsync(PracticeId practiceId, string eventId, CancellationToken ct) =>
        SendAsync(
            practiceId,
            "billing-payment-failed",
            eventId,
            "A Plexura payment failed",
            "A payment for your practice's Plexura subscription failed. Update the payment method to keep starting sessions and drafts after the grace period:",
            "Open billing",
            ct);

    /// <summary>Mails every owner that the trial ends soon.</summary>
    public Task TrialEndingAsync(PracticeId practiceId, string eventId, CancellationToken ct) =>
        SendAsync(
            practiceId,
            "billing-trial-ending",
            eventId,
            "Your Plexura trial ends soon",
            "Your practice's Plexura trial ends in a few days. Check the payment method so sessions and drafts keep working:",
            "Open billing",
            ct);

    private async Task SendAsync(PracticeId practiceId, string kind, string eventId, string subject, string text, string action, CancellationToken ct)
    {
        var link = app.Value.Link("/practice/billing");
        var html = WebUtility.HtmlEncode(link);
        foreach (var owner in (await memberships.ListAsync(practiceId, ct)).Where(m => m.Role == PracticeRole.Owner))
        {
            if (await users.GetAsync(owner.UserId, ct) is not { } user)
            {
                continue;
            }

            await email.EnqueueAsync(
                new EmailMessage(
                    user.Email,
                    subject,
                    $"{text}\n\n{link}",
                    $"<p>{WebUtility.HtmlEncode(text)}</p><p><a href=\"{html}\">{action}</a></p>",
                    $"{kind}/{eventId}/{user.Id}",
                    kind),
                ct);
        }
    }
}

/// <summary>The payload of a seat-sync job: the practice is the job's own.</summary>
/// <param name="Reason">What changed (<c>member-joined</c>, <c>member-left</c>, <c>role-changed</c>, <c>manual</c>).</param>
public sealed record SeatSyncPayload(string Reason);

/// <summary>Queues a seat update when members join, leave or change role (one job per change; each reads the count when it runs).</summary>
public sealed class BillingSeatRequests(IBillingConfiguration config, IJobQueue jobs)
{
    /// <summary>Queues a <see cref="SeatSyncJob"/> for the practice; nothing with billing off.</summary>
    public async Task RequestAsync(PracticeId practiceId, string reason, CancellationToken ct)
    {
        if (!config.IsEnabled)
        {
            return;
        }

        await jobs.EnqueueAsync(
            new JobRequest(
                SeatSyncJob.JobKind,
                practiceId,
                JsonSerializer.Serialize(new SeatSyncPayload(reason)),
                $"{SeatSyncJob.JobKind}/{practiceId}/{Guid.CreateVersion7():N}"),
            ct);
    }
}

/// <summary>
/// Sets the subscription's seat quantity to the practice's billable members (owners, admins, clinicians) through
/// Stripe, which prorates. Runs as a job: a transient Stripe failure (5xx, 429, network) is retried by the runner
/// with backoff, and every failure is recorded on the billing record so the owner sees it on the Billing page until
/// an update succeeds.
/// </summary>
public sealed class SeatSyncJob(
    IBillingConfiguration config, IPracticeBillingRepository billings, BillingState state, IBillingGateway gateway, BillingApplier applier, TimeProvider time)
    : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "billing-seat-sync";

    /// <inheritdoc />
    public string Kind => JobKind;

    /// <inheritdoc />
    public async Task<JobOutcome> RunAsync(JobContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!config.IsEnabled || context.PracticeId is not { } practiceId)
        {
            return JobOutcome.Done;
        }

        var billing = await billings.GetAsync(practiceId, ct);
        if (billing is not { SubscriptionId: { } subscriptionId, SubscriptionItemId: { } itemId } || billing.Status == BillingStatus.Canceled)
        {
            return JobOutcome.Done;
        }

        var seats = await state.BillableSeatsAsync(practiceId, ct);
        if (seats == billing.BilledSeats && billing.SeatSyncError is null)
        {
            return JobOutcome.Done;
        }

        try
        {
            var after = await gateway.UpdateSeatsAsync(subscriptionId, itemId, seats, ct);
            await applier.ApplySubscriptionAsync(practiceId, after, time.GetUtcNow(), "seat-sync", AuditActor.Anonymous, ct);
            await applier.RecordSeatSyncAsync(practiceId, null, time.GetUtcNow(), ct);
            return JobOutcome.Done;
        }
        catch (BillingGatewayException ex)
        {
            await applier.RecordSeatSyncAsync(practiceId, ex.Code, time.GetUtcNow(), ct);
            return ex.IsTransient ? JobOutcome.RetryLater(null, ex.Code) : JobOutcome.Failed(ex.Code);
        }
    }
}

/// <summary>What a webhook delivery did.</summary>
/// <param name="Outcome"><c>applied</c>, <c>duplicate</c>, <c>in-progress</c>, <c>ignored</c>, <c>stale</c>, <c>no-practice</c>, ...</param>
public sealed record WebhookResult(string Outcome);

/// <summary>
/// Applies one Stripe webhook delivery exactly once: verified (signature and 300 s tolerance), claimed by event id
/// (a unique key shared by every instance), applied without moving a subscription backwards, then marked.
/// </summary>
/// <remarks>
/// A duplicate (Stripe's retry, or the same event at two instances at once) finds the claim and does nothing. A failure
/// while applying marks the event failed and rethrows, so the delivery answers 500 and Stripe's retry applies it.
/// Unknown types are acknowledged and ignored. Nothing is read from the event but Stripe ids, times and statuses.
/// </remarks>
public sealed class ProcessStripeWebhookHandler(
    IBillingWebhookReader reader,
    IStripeEventStore events,
    IPracticeBillingRepository billings,
    IPracticeRepository practices,
    IBillingGateway gateway,
    BillingApplier applier,
    BillingEmails emails,
    TimeProvider time)
{
    /// <summary>How long a claim protects an event being applied before another delivery may take it over.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private static readonly AuditActor Stripe = new(null, "stripe-webhook");

    /// <summary>Handles a delivery; throws <see cref="WebhookRejectedException"/> for a forged, unsigned or old one.</summary>
    public async Task<WebhookResult> HandleAsync(string payload, string? signature, CancellationToken ct)
    {
        var received = reader.Read(payload, signature);
        if (!BillingEventTypes.Handled.Contains(received.Type))
        {
            return new WebhookResult("ignored");
        }

        var claim = await events.ClaimAsync(received.Id, received.Type, time.GetUtcNow(), ClaimLease, ct);
        if (claim != StripeEventClaim.Claimed)
        {
            return new WebhookResult(claim == StripeEventClaim.AlreadyApplied ? "duplicate" : "in-progress");
        }

        try
        {
            var (outcome, practiceId) = await ApplyAsync(received, ct);
            await events.MarkAppliedAsync(received.Id, outcome, practiceId, time.GetUtcNow(), CancellationToken.None);
            return new WebhookResult(outcome);
        }
        catch
        {
            await events.MarkFailedAsync(received.Id, CancellationToken.None);
            throw;
        }
    }

    private async Task<(string Outcome, PracticeId? PracticeId)> ApplyAsync(BillingEvent e, CancellationToken ct)
    {
        switch (e.Type)
        {
            case BillingEventTypes.CheckoutCompleted:
                {
                    if (e.Checkout is not { } checkout || await PracticeOfAsync(checkout.PracticeIdMetadata, null, ct) is not { } practiceId)
                    {
                        return ("no-practice", null);
                    }

                    if (checkout.CustomerId is { } customer)
                    {
                        await applier.LinkCustomerAsync(practiceId, customer, e.Id, Stripe, ct);
                    }

                    if (checkout.SubscriptionId is { } subscriptionId)
                    {
                        var subscription = await gateway.GetSubscriptionAsync(subscriptionId, ct);
                        return (await applier.ApplySubscriptionAsync(practiceId, subscription, e.Created, e.Id, Stripe, ct), practiceId);
                    }

                    return ("applied", practiceId);
                }

            case BillingEventTypes.SubscriptionCreated or BillingEventTypes.SubscriptionUpdated or BillingEventTypes.SubscriptionDeleted:
                {
                    if (e.Subscription is not { } subscription
                        || await PracticeOfAsync(subscription.PracticeIdMetadata, subscription.CustomerId, ct) is not { } practiceId)
                    {
                        return ("no-practice", null);
                    }

                    var state = e.Type == BillingEventTypes.SubscriptionDeleted ? subscription with { Status = "canceled" } : subscription;
                    return (await applier.ApplySubscriptionAsync(practiceId, state, e.Created, e.Id, Stripe, ct), practiceId);
                }

            case BillingEventTypes.TrialWillEnd:
                {
                    if (e.Subscription is not { } subscription
                        || await PracticeOfAsync(subscription.PracticeIdMetadata, subscription.CustomerId, ct) is not { } practiceId)
                    {
                        return ("no-practice", null);
                    }

                    await emails.TrialEndingAsync(practiceId, e.Id, ct);
                    return ("emailed", practiceId);
                }

            default:
                {
                    if (await PracticeOfAsync(null, e.InvoiceCustomerId, ct) is not { } practiceId)
                    {
                        return ("no-practice", null);
                    }

                    var paid = e.Type == BillingEventTypes.InvoicePaid;
                    var outcome = await applier.ApplyPaymentAsync(practiceId, paid, e.Created, e.Id, Stripe, ct);
                    if (!paid && outcome == "applied")
                    {
                        await emails.PaymentFailedAsync(practiceId, e.Id, ct);
                    }

                    return (outcome, practiceId);
                }
        }
    }

    private async Task<PracticeId?> PracticeOfAsync(string? metadata, string? customerId, CancellationToken ct)
    {
        if (Guid.TryParse(metadata, CultureInfo.InvariantCulture, out var guid) && guid != Guid.Empty
            && await practices.GetAsync(new PracticeId(guid), ct) is { } practice)
        {
            return practice.Id;
        }

        return customerId is not null && await billings.FindByCustomerAsync(customerId, ct) is { } billing ? billing.PracticeId : null;
    }
}
