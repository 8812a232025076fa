using System.Globalization;
using Plexura.Core.Auditing;
using Plexura.Core.Common;

namespace Plexura.Core.Billing;

/// <summary>
/// The one place a practice's billing record changes: from a webhook, a verified Checkout return, or a seat update.
/// Never moves a subscription backwards, and audits every change as <see cref="AuditAction.SettingsChanged"/> with
/// Stripe ids and status codes only.
/// </summary>
/// <remarks>
/// Order: each applied subscription state remembers Stripe's time of the event it came from (<see cref="PracticeBilling.StateAt"/>);
/// a state from an older event is skipped as stale. A canceled subscription is final: nothing about the same
/// subscription id brings it back (Stripe starts a new subscription, with a new id, to resume). A different
/// subscription replaces the stored one only when the stored one is not live, so a late event about an old,
/// canceled subscription cannot displace the current one.
/// </remarks>
public sealed class BillingApplier(IPracticeBillingRepository billings, IAuditLog audit, TimeProvider time)
{
    private const int MaxAttempts = 8;

    /// <summary>The wait after the first lost race (before jitter); it doubles per attempt up to <see cref="MaxConflictDelay"/>.</summary>
    private static readonly TimeSpan ConflictDelay = TimeSpan.FromMilliseconds(5);

    private static readonly TimeSpan MaxConflictDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>An internal outcome: stored without an audit event (nothing but a clock moved), reported as <c>unchanged</c>.</summary>
    private const string Refreshed = "refreshed";

    /// <summary>An internal outcome: stored without an audit event (bookkeeping), reported as <c>applied</c>.</summary>
    private const string Quiet = "quiet";

    /// <summary>Applies a subscription's state as of <paramref name="at"/>; returns <c>applied</c>, <c>unchanged</c> or why it was skipped.</summary>
    public Task<string> ApplySubscriptionAsync(
        PracticeId practiceId, SubscriptionSnapshot subscription, DateTimeOffset at, string source, AuditActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return ChangeAsync(practiceId, "billing-subscription", source, actor, current =>
        {
            var status = BillingRules.ParseStatus(subscription.Status);
            if (current.SubscriptionId is { } existing && !string.Equals(existing, subscription.Id, StringComparison.Ordinal)
                && current.Status is not (BillingStatus.None or BillingStatus.Canceled or BillingStatus.Incomplete))
            {
                return (null, "other-subscription");
            }

            var sameSubscription = string.Equals(current.SubscriptionId, subscription.Id, StringComparison.Ordinal);
            if (sameSubscription && current.StateAt is { } last && at < last)
            {
                return (null, "stale");
            }

            if (sameSubscription && current.Status == BillingStatus.Canceled && status != BillingStatus.Canceled)
            {
                return (null, "stale");
            }

            var pastDueSince = status switch
            {
                BillingStatus.PastDue or BillingStatus.Unpaid => current.PastDueSince ?? at,
                BillingStatus.Active or BillingStatus.Trialing => null,
                _ => current.PastDueSince,
            };
            var next = current with
            {
                CustomerId = subscription.CustomerId ?? current.CustomerId,
                SubscriptionId = subscription.Id,
                SubscriptionItemId = subscription.ItemId ?? current.SubscriptionItemId,
                Status = status,
                PriceId = subscription.PriceId ?? current.PriceId,
                Interval = subscription.Interval ?? current.Interval,
                BilledSeats = subscription.Quantity,
                TrialEnd = subscription.TrialEnd,
                CurrentPeriodEnd = subscription.CurrentPeriodEnd,
                CancelAtPeriodEnd = subscription.CancelAtPeriodEnd,
                PastDueSince = pastDueSince,
                StateAt = sameSubscription && current.StateAt > at ? current.StateAt : at,
            };

            // The same state seen again (a Checkout return after the webhook, the page rendering twice, a reload) only
            // moves the clock: stored so older events stay stale, not audited as a change that did not happen.
            return (next, next with { StateAt = current.StateAt } == current ? Refreshed : "applied");
        }, ct);
    }

    /// <summary>Links the practice to a Stripe customer (Checkout's), keeping everything else.</summary>
    public Task<string> LinkCustomerAsync(PracticeId practiceId, string customerId, string source, AuditActor actor, CancellationToken ct) =>
        ChangeAsync(practiceId, "billing-customer", source, actor, current =>
            current.CustomerId is null ? (current with { CustomerId = customerId }, "applied") : (null, "unchanged"), ct);

    /// <summary>Records an invoice paid (<paramref name="paid"/>) or failed as of <paramref name="at"/>.</summary>
    public Task<string> ApplyPaymentAsync(PracticeId practiceId, bool paid, DateTimeOffset at, string source, AuditActor actor, CancellationToken ct) =>
        ChangeAsync(practiceId, paid ? "billing-payment-succeeded" : "billing-payment-failed", source, actor, current =>
        {
            if (current.PaymentStateAt is { } last && at < last)
            {
                return (null, "stale");
            }

            return (current with
            {
                PastDueSince = paid ? null : current.PastDueSince ?? at,
                PaymentStateAt = at,
            }, "applied");
        }, ct);

    /// <summary>Records the outcome of a seat update: the error code, or null for success.</summary>
    public Task RecordSeatSyncAsync(PracticeId practiceId, string? error, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(practiceId, "billing-seat-sync", "seat-sync", AuditActor.Anonymous, current =>
            string.Equals(current.SeatSyncError, error, StringComparison.Ordinal)
                ? (null, "unchanged")
                : (current with { SeatSyncError = error, SeatSyncErrorAt = error is null ? null : now }, Quiet), ct);

    private async Task<string> ChangeAsync(
        PracticeId practiceId, string setting, string source, AuditActor actor, Func<PracticeBilling, (PracticeBilling? Next, string Outcome)> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await billings.GetAsync(practiceId, ct);
            var current = stored ?? PracticeBilling.Empty(practiceId);
            var (next, outcome) = change(current);
            if (next is null || next == current)
            {
                return next is null ? outcome : "unchanged";
            }

            try
            {
                if (stored is null)
                {
                    await billings.AddAsync(practiceId, next, ct);
                }
                else
                {
                    await billings.UpdateAsync(practiceId, next, ct);
                }
            }
            catch (Exception ex) when (attempt < MaxAttempts && ex is ConcurrencyConflictException or DuplicateRecordException)
            {
                // Another delivery (maybe on another instance) changed the record first. Many deliveries for one practice
                // at once would otherwise retry in lockstep and lose again: wait a jittered, growing moment.
                await Task.Delay(RetryBackoff.Compute(attempt, null, ConflictDelay, MaxConflictDelay), time, ct);
                continue;
            }

            if (outcome is not (Quiet or Refreshed))
            {
                await AuditAsync(practiceId, setting, source, actor, current, next, ct);
            }

            return outcome switch
            {
                Quiet => "applied",
                Refreshed => "unchanged",
                _ => outcome,
            };
        }
    }

    private Task<AuditEvent> AuditAsync(PracticeId practiceId, string setting, string source, AuditActor actor, PracticeBilling from, PracticeBilling to, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["setting"] = setting,
            ["from"] = Code(from.Status),
            ["to"] = Code(to.Status),
            ["source"] = source,
            ["seats"] = to.BilledSeats.ToString(CultureInfo.InvariantCulture),
        };
        if (to.CustomerId is { } customer)
        {
            details["customer"] = customer;
        }

        if (to.SubscriptionId is { } subscription)
        {
            details["subscription"] = subscription;
        }

        return audit.RecordAsync(
            new AuditEntry(practiceId, actor, null, null, AuditAction.SettingsChanged, "billing", practiceId.ToString(), null, AuditResult.Success, details),
            ct);
    }

    /// <summary>The status as a lower-case audit code.</summary>
    public static string Code(BillingStatus status) => status switch
    {
        BillingStatus.PastDue => "past_due",
        _ => status.ToString().ToLowerInvariant(),
    };
}
