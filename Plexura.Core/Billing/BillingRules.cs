namespace Plexura.Core.Billing;

/// <summary>What a practice's billing state allows right now, with the words to show.</summary>
/// <param name="IsEnabled">Whether billing is on at all (off: unlimited).</param>
/// <param name="CanStartNewWork">Whether members may start new sessions and draft notes.</param>
/// <param name="ShowPastDueBanner">Whether owners see the past-due banner.</param>
/// <param name="GraceEnds">When the grace period ends (past due only).</param>
/// <param name="Message">Why new work is blocked or what is due, or null when all is well.</param>
public sealed record BillingStanding(bool IsEnabled, bool CanStartNewWork, bool ShowPastDueBanner, DateTimeOffset? GraceEnds, string? Message)
{
    /// <summary>Billing off: everything works, nothing to say.</summary>
    public static readonly BillingStanding Unlimited = new(false, true, false, null, null);
}

/// <summary>The billing state rules (issue 14.4), pure: which states allow new work and when grace ends.</summary>
/// <remarks>
/// <para>Trialing and active: everything works. Past due: everything works until <c>GraceDays</c> after the first failed
/// payment, and owners see a banner. After grace, canceled or unpaid: no new sessions and no drafting, but every member
/// keeps reading, signing and exporting what exists (the right of access is never billed).</para>
/// <para>Before any subscription (or while Checkout's first payment is incomplete) a practice works for <c>TrialDays</c>
/// from its creation, so a new owner can try the app before paying; then it needs a subscription.</para>
/// <para>With billing off (no Stripe key) every practice is unlimited.</para>
/// </remarks>
public static class BillingRules
{
    /// <summary>Shown when new work is blocked because the subscription ended.</summary>
    public const string EndedMessage =
        "This practice's subscription has ended. Reading, signing and exporting still work; an owner can resume the subscription on the Billing page to start new sessions and drafts.";

    /// <summary>Shown when new work is blocked because the grace period after a failed payment is over.</summary>
    public const string GraceOverMessage =
        "A payment is overdue and the grace period is over. Reading, signing and exporting still work; an owner can update the payment method on the Billing page to start new sessions and drafts.";

    /// <summary>Shown when new work is blocked because the practice never subscribed and its trial is over.</summary>
    public const string NoSubscriptionMessage =
        "The free trial is over. Reading, signing and exporting still work; an owner can start a subscription on the Billing page to start new sessions and drafts.";

    /// <summary>Shown to owners during the grace period.</summary>
    public const string PastDueMessage = "A payment failed. Update the payment method before the grace period ends to keep starting sessions and drafts.";

    /// <summary>Shown on the billing page when billing is off.</summary>
    public const string BillingOffMessage = "Billing is off on this installation: every practice is unlimited.";

    /// <summary>Seats are billed for these roles; compliance staff are free.</summary>
    public static bool IsBillable(Memberships.PracticeRole role) =>
        role is Memberships.PracticeRole.Owner or Memberships.PracticeRole.Admin or Memberships.PracticeRole.Clinician;

    /// <summary>The standing of a practice created at <paramref name="practiceCreatedAt"/> with this billing record at <paramref name="now"/>.</summary>
    public static BillingStanding Evaluate(PracticeBilling? billing, DateTimeOffset practiceCreatedAt, bool enabled, int trialDays, int graceDays, DateTimeOffset now)
    {
        if (!enabled)
        {
            return BillingStanding.Unlimited;
        }

        var status = billing?.Status ?? BillingStatus.None;
        switch (status)
        {
            case BillingStatus.Trialing or BillingStatus.Active:
                return new BillingStanding(true, true, false, null, null);
            case BillingStatus.PastDue:
                var since = billing!.PastDueSince ?? billing.StateAt ?? now;
                var ends = since.AddDays(graceDays);
                return now < ends
                    ? new BillingStanding(true, true, true, ends, PastDueMessage)
                    : new BillingStanding(true, false, true, ends, GraceOverMessage);
            case BillingStatus.Canceled or BillingStatus.Unpaid:
                return new BillingStanding(true, false, status == BillingStatus.Unpaid, null, EndedMessage);
            default:
                return now < practiceCreatedAt.AddDays(trialDays)
                    ? new BillingStanding(true, true, false, null, null)
                    : new BillingStanding(true, false, false, null, NoSubscriptionMessage);
        }
    }

    /// <summary>Stripe's status string in Core's terms; unknown strings count as ended (fail closed for new work).</summary>
    public static BillingStatus ParseStatus(string? stripeStatus) => stripeStatus switch
    {
        "trialing" => BillingStatus.Trialing,
        "active" => BillingStatus.Active,
        "past_due" => BillingStatus.PastDue,
        "unpaid" or "paused" => BillingStatus.Unpaid,
        "incomplete" => BillingStatus.Incomplete,
        _ => BillingStatus.Canceled,
    };
}
