using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Billing;
using Plexura.Core.Billing.CompleteCheckout;
using Plexura.Core.Practices.Access;
using Plexura.Web.Components.Pages.Practice;
using Plexura.Web.Components.Shared;

namespace Plexura.Tests.Components;

/// <summary>The billing page and the owners' past-due banner, on the real use cases with an in-memory Stripe gateway.</summary>
public sealed class BillingPageTests : AppComponentTestBase
{
    private readonly TestBilling _config = new();
    private readonly InMemoryGateway _gateway = new();

    public BillingPageTests()
    {
        Context.Services.AddSingleton<IBillingConfiguration>(_config);
        Context.Services.AddSingleton<IBillingGateway>(_gateway);
    }

    [Fact]
    public async Task BillingOff_SaysEveryPracticeIsUnlimited()
    {
        _config.Enabled = false;
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();

        var cut = Context.Render<Billing>();

        cut.WaitForAssertion(() => Assert.Equal(BillingRules.BillingOffMessage, cut.Find("#billing-status").TextContent.Trim()));
        Assert.Empty(cut.FindAll("#billing-checkout"));
    }

    [Fact]
    public async Task OwnerWithoutASecondFactor_IsTurnedAway()
    {
        await SignInNewOwnerAsync();

        var cut = Context.Render<Billing>();

        cut.WaitForAssertion(() => Assert.Contains(PracticePolicy.ManagerNeedsMfaMessage, cut.Find("#billing-denied").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoSubscription_OffersCheckout_NoPortal()
    {
        await SignInNewOwnerAsync();
        await EnrollMfaAsync();

        var cut = Context.Render<Billing>();

        cut.WaitForAssertion(() => Assert.Equal("No subscription", cut.Find("#billing-status-value").TextContent.Trim()));
        Assert.Equal(("1", "0"), (cut.Find("#billing-seats-used").TextContent, cut.Find("#billing-seats-billed").TextContent));
        Assert.NotEmpty(cut.FindAll("#billing-checkout"));
        Assert.Empty(cut.FindAll("#billing-portal"));
    }

    [Fact]
    public async Task Active_ShowsPlanSeatsNextInvoiceAndInvoiceLinks_WithThePortalButton()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        await Get<IPracticeBillingRepository>().AddAsync(signUp.PracticeId, PracticeBilling.Empty(signUp.PracticeId) with
        {
            CustomerId = "cus_1",
            SubscriptionId = "sub_1",
            SubscriptionItemId = "si_1",
            Status = BillingStatus.Active,
            PriceId = "price_monthly",
            Interval = "month",
            BilledSeats = 2,
            CurrentPeriodEnd = Time.GetUtcNow().AddDays(20),
            SeatSyncError = "api_error",
        }, Ct);

        var cut = Context.Render<Billing>();

        cut.WaitForAssertion(() => Assert.Equal("Active", cut.Find("#billing-status-value").TextContent.Trim()));
        Assert.Equal("Monthly", cut.Find("#billing-plan").TextContent.Trim());
        Assert.Equal(("1", "2"), (cut.Find("#billing-seats-used").TextContent, cut.Find("#billing-seats-billed").TextContent));
        Assert.Contains("30.00 USD", cut.Find("#billing-next-invoice").TextContent, StringComparison.Ordinal);
        Assert.Contains("api_error", cut.Find("#billing-seat-error").TextContent, StringComparison.Ordinal);
        Assert.Equal("https://invoice.example/in_1", cut.Find("#billing-invoices a").GetAttribute("href"));
        Assert.NotEmpty(cut.FindAll("#billing-portal"));
        Assert.Empty(cut.FindAll("#billing-checkout"));
    }

    [Fact]
    public async Task CheckoutReturn_WithAnotherPracticesSession_SaysSoAndChangesNothing()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await EnrollMfaAsync();
        _gateway.Sessions["cs_test_other"] = new CheckoutSnapshot("cs_test_other", Guid.NewGuid().ToString(), "cus_x", "sub_x", "complete");

        Get<NavigationManager>().NavigateTo("/practice/billing?checkout=cs_test_other");
        var cut = Context.Render<Billing>();

        cut.WaitForAssertion(() => Assert.Equal(CompleteCheckoutHandler.NotYoursMessage, cut.Find("#billing-message").TextContent.Trim()));
        Assert.Null(await Get<IPracticeBillingRepository>().GetAsync(signUp.PracticeId, Ct));
    }

    [Fact]
    public async Task PastDueBanner_ShowsForOwners_WithTheGraceEnd()
    {
        var (signUp, _) = await SignInNewOwnerAsync();
        await Get<IPracticeBillingRepository>().AddAsync(signUp.PracticeId, PracticeBilling.Empty(signUp.PracticeId) with
        {
            CustomerId = "cus_1",
            SubscriptionId = "sub_1",
            Status = BillingStatus.PastDue,
            PastDueSince = Time.GetUtcNow().AddDays(-1),
        }, Ct);

        var cut = Context.Render<BillingBanner>();

        cut.WaitForAssertion(() => Assert.Contains(BillingRules.PastDueMessage, cut.Find("#billing-banner").TextContent, StringComparison.Ordinal));
        Assert.Equal("/practice/billing", cut.Find("#billing-banner a").GetAttribute("href"));
    }

    private sealed class TestBilling : IBillingConfiguration
    {
        public bool Enabled { get; set; } = true;

        public bool IsEnabled => Enabled;

        public string? MonthlyPriceId => "price_monthly";

        public string? AnnualPriceId => null;

        public int TrialDays => 14;

        public int GraceDays => 14;
    }

    private sealed class InMemoryGateway : IBillingGateway
    {
        public Dictionary<string, CheckoutSnapshot> Sessions { get; } = [];

        public Task<CheckoutStart> CreateCheckoutAsync(CheckoutRequest request, CancellationToken ct) =>
            Task.FromResult(new CheckoutStart("cs_test_1", "https://checkout.example/cs_test_1"));

        public Task<CheckoutSnapshot?> GetCheckoutAsync(string sessionId, CancellationToken ct) => Task.FromResult(Sessions.GetValueOrDefault(sessionId));

        public Task<string> CreatePortalAsync(string customerId, string returnUrl, CancellationToken ct) => Task.FromResult("https://portal.example/");

        public Task<SubscriptionSnapshot> GetSubscriptionAsync(string subscriptionId, CancellationToken ct) =>
            throw new BillingGatewayException("resource_missing", 404, false);

        public Task<SubscriptionSnapshot> UpdateSeatsAsync(string subscriptionId, string itemId, int seats, CancellationToken ct) =>
            throw new BillingGatewayException("api_error", 500, true);

        public Task<IReadOnlyList<InvoiceSummary>> ListInvoicesAsync(string customerId, int limit, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<InvoiceSummary>>(
                [new InvoiceSummary("in_1", "F-0001", "paid", 3000, "usd", DateTimeOffset.UtcNow.AddDays(-10), "https://invoice.example/in_1", null)]);

        public Task<InvoiceEstimate?> PreviewNextInvoiceAsync(string customerId, string subscriptionId, CancellationToken ct) =>
            Task.FromResult<InvoiceEstimate?>(new InvoiceEstimate(3000, "usd", DateTimeOffset.UtcNow.AddDays(20)));
    }
}
