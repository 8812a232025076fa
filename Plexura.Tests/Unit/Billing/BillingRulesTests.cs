using Plexura.Core.Billing;
using Plexura.Core.Common;
using Plexura.Core.Memberships;

namespace Plexura.Tests.Unit.Billing;

/// <summary>The billing state rules: which states allow new sessions and drafting, grace, the trial before Checkout, billing off.</summary>
public sealed class BillingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Created = Now.AddDays(-100);

    [Theory]
    [InlineData(BillingStatus.Trialing, true)]
    [InlineData(BillingStatus.Active, true)]
    [InlineData(BillingStatus.Canceled, false)]
    [InlineData(BillingStatus.Unpaid, false)]
    [InlineData(BillingStatus.None, false)]
    [InlineData(BillingStatus.Incomplete, false)]
    public void Status_DecidesNewWork(BillingStatus status, bool allowed)
    {
        var standing = BillingRules.Evaluate(With(status), Created, enabled: true, trialDays: 14, graceDays: 14, Now);

        Assert.Equal(allowed, standing.CanStartNewWork);
        Assert.Equal(allowed, standing.Message is null);
    }

    [Theory]
    [InlineData(13, true)]
    [InlineData(14, false)]
    [InlineData(30, false)]
    public void PastDue_WorksUntilGraceEnds_WithABanner(int daysSinceFailure, bool allowed)
    {
        var billing = With(BillingStatus.PastDue) with { PastDueSince = Now.AddDays(-daysSinceFailure) };

        var standing = BillingRules.Evaluate(billing, Created, enabled: true, trialDays: 14, graceDays: 14, Now);

        Assert.Equal(allowed, standing.CanStartNewWork);
        Assert.True(standing.ShowPastDueBanner);
        Assert.Equal(Now.AddDays(14 - daysSinceFailure), standing.GraceEnds);
        Assert.Equal(allowed ? BillingRules.PastDueMessage : BillingRules.GraceOverMessage, standing.Message);
    }

    [Fact]
    public void NoSubscription_WorksDuringTheTrialFromCreation()
    {
        Assert.True(BillingRules.Evaluate(null, Now.AddDays(-13), true, 14, 14, Now).CanStartNewWork);
        var after = BillingRules.Evaluate(null, Now.AddDays(-15), true, 14, 14, Now);
        Assert.False(after.CanStartNewWork);
        Assert.Equal(BillingRules.NoSubscriptionMessage, after.Message);
    }

    [Theory]
    [InlineData(BillingStatus.Canceled)]
    [InlineData(BillingStatus.Unpaid)]
    [InlineData(BillingStatus.None)]
    public void BillingOff_EveryPracticeIsUnlimited(BillingStatus status)
    {
        var standing = BillingRules.Evaluate(With(status), Created, enabled: false, trialDays: 0, graceDays: 0, Now);

        Assert.Same(BillingStanding.Unlimited, standing);
        Assert.True(standing.CanStartNewWork);
    }

    [Theory]
    [InlineData(PracticeRole.Owner, true)]
    [InlineData(PracticeRole.Admin, true)]
    [InlineData(PracticeRole.Clinician, true)]
    [InlineData(PracticeRole.Compliance, false)]
    public void Seats_ComplianceStaffAreFree(PracticeRole role, bool billable) => Assert.Equal(billable, BillingRules.IsBillable(role));

    [Theory]
    [InlineData("trialing", BillingStatus.Trialing)]
    [InlineData("active", BillingStatus.Active)]
    [InlineData("past_due", BillingStatus.PastDue)]
    [InlineData("unpaid", BillingStatus.Unpaid)]
    [InlineData("paused", BillingStatus.Unpaid)]
    [InlineData("incomplete", BillingStatus.Incomplete)]
    [InlineData("incomplete_expired", BillingStatus.Canceled)]
    [InlineData("canceled", BillingStatus.Canceled)]
    [InlineData("something_new", BillingStatus.Canceled)]
    public void StripeStatuses_Map_UnknownFailsClosed(string stripe, BillingStatus expected) => Assert.Equal(expected, BillingRules.ParseStatus(stripe));

    private static PracticeBilling With(BillingStatus status) =>
        PracticeBilling.Empty(new PracticeId(Guid.NewGuid())) with { Status = status, SubscriptionId = "sub_1", StateAt = Now.AddDays(-1) };
}
