using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Plexura.Core.Auditing;
using Plexura.Core.Billing;
using Plexura.Tests.Api;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>
/// Issue 14 end to end in Chromium: billing on, Stripe.net pointed at <see cref="FakeStripeServer"/>, whose hosted
/// Checkout page completes the session, delivers Stripe's signed webhooks to the app and redirects back. The owner
/// subscribes from the Billing page, then adds a clinician, and the seats billed follow on the page and in Stripe.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BillingBrowserTests(BillingBrowserTests.Fixture fixture) : IClassFixture<BillingBrowserTests.Fixture>
{
    [Fact]
    public async Task Owner_SubscribesThroughCheckout_ThenInvitesAClinician_SeatsBilledFollowOnThePageAndInStripe()
    {
        var factory = (PracticeArrangeFactory)fixture.Factory;
        var practice = await PracticeArrange.CreateAsync(factory);
        var practiceId = practice.PracticeId.ToString();

        await using var ownerContext = await fixture.NewContextAsync();
        var page = await BrowserFixture.NewPageAsync(ownerContext);
        var owner = new AccountPages(page, fixture.BaseAddress);
        await owner.SignInWithRecoveryCodeAsync(practice.Owner);

        // No subscription yet: owner, admin and clinician take a seat (compliance is free), none is billed.
        await owner.GotoAsync("/practice/billing");
        await Assertions.Expect(page.Locator("#billing-status-value")).ToHaveTextAsync("No subscription");
        await Assertions.Expect(page.Locator("#billing-seats-used")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("#billing-seats-billed")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#billing-portal")).ToHaveCountAsync(0);
        Assert.DoesNotContain(fixture.Stripe.Subscriptions.Values, s => s.Metadata.GetValueOrDefault("practice_id") == practiceId);

        // Checkout: Stripe's hosted page (the fake's) completes it and sends the browser back with the session id.
        await page.ClickAsync("#billing-checkout");
        await page.WaitForURLAsync(new Regex(@"/practice/billing\?checkout=cs_test_[A-Za-z0-9_]+$"));
        await Assertions.Expect(page.Locator("#billing-message")).ToContainTextAsync("Subscription started: free trial.");
        await Assertions.Expect(page.Locator("#billing-status-value")).ToHaveTextAsync("Free trial");
        await Assertions.Expect(page.Locator("#billing-plan")).ToHaveTextAsync("Monthly");
        await Assertions.Expect(page.Locator("#billing-trial-end")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#billing-seats-used")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("#billing-seats-billed")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("#billing-checkout")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#billing-portal")).ToBeVisibleAsync();
        await PageGate.CheckAsync(page);
        var subscription = Assert.Single(fixture.Stripe.Subscriptions.Values, s => s.Metadata.GetValueOrDefault("practice_id") == practiceId);
        Assert.Equal(("trialing", 3L), (subscription.Status, subscription.Quantity));

        // The webhooks came first; the verified return (rendered twice: prerender, then live) found the same state.
        var audit = await fixture.Factory.Services.GetRequiredService<IAuditStore>()
            .QueryAsync(practice.PracticeId, new AuditQuery(Limit: 1000), CancellationToken.None);
        var change = Assert.Single(audit, e => e.TargetType == "billing" && e.Details.GetValueOrDefault("setting") == "billing-subscription");
        Assert.Equal(("none", "trialing", "stripe-webhook"), (change.Details["from"], change.Details["to"], change.ActorEmail));

        // A tampered return link changes nothing and says why.
        await owner.GotoAsync("/practice/billing?checkout=cs_test_forged000");
        await Assertions.Expect(page.Locator("#billing-message")).ToContainTextAsync("does not belong to your practice");
        await Assertions.Expect(page.Locator("#billing-status-value")).ToHaveTextAsync("Free trial");
        await Assertions.Expect(page.Locator("#billing-seats-billed")).ToHaveTextAsync("3");

        // The owner invites a clinician, who accepts in their own browser: one more billable seat.
        var clinicianEmail = IdentityArrange.NewEmail("clinician");
        await owner.InviteClinicianAsync(clinicianEmail);
        await using var clinicianContext = await fixture.NewContextAsync();
        var clinician = new AccountPages(await BrowserFixture.NewPageAsync(clinicianContext), fixture.BaseAddress);
        await clinician.FollowEmailLinkAsync(clinicianEmail, "invitation");
        await clinician.Page.FillAsync("#display-name", "Sam Ortiz");
        await clinician.Page.FillAsync("#password", "Maple-Garden-58!");
        await clinician.Page.ClickAsync("#accept-submit");
        await Assertions.Expect(clinician.AccountLink).ToContainTextAsync("Sam Ortiz");
        await PageGate.CheckAsync(clinician.Page);

        // The seat job updates Stripe's subscription item (prorated) and the practice's billing record.
        var billings = fixture.Factory.Services.GetRequiredService<IPracticeBillingRepository>();
        await Eventually.HoldsAsync(
            async () => subscription.Quantity == 4 && (await billings.GetAsync(practice.PracticeId, CancellationToken.None))?.BilledSeats == 4,
            "the fourth seat reaches Stripe");
        var update = fixture.Stripe.Requests.Last(r => r.Path == $"/v1/subscription_items/{subscription.ItemId}");
        Assert.Equal(("4", "create_prorations"), (update.Form["quantity"], update.Form["proration_behavior"]));

        await owner.GotoAsync("/practice/billing");
        await Assertions.Expect(page.Locator("#billing-seats-used")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("#billing-seats-billed")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("#billing-status-value")).ToHaveTextAsync("Free trial");
        await Assertions.Expect(page.Locator("#billing-seat-error")).ToHaveCountAsync(0);
        await PageGate.CheckAsync(page);

        await PageGate.AssertEveryVisitedPageCheckedAsync(page);
        await PageGate.AssertEveryVisitedPageCheckedAsync(clinician.Page);
    }

    /// <summary>The app with billing on against a <see cref="FakeStripeServer"/> that delivers its webhooks to the app.</summary>
    public sealed class Fixture : BrowserFixture
    {
        public FakeStripeServer Stripe { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            Stripe = await FakeStripeServer.StartAsync();
            foreach (var (key, value) in BillingApiTests.Factory.BillingSettings(Stripe))
            {
                Factory.Settings[key] = value;
            }

            // Checkout's return link is built from the app's public base URL, so the port is chosen before the app starts.
            KestrelPort = FreePort();
            Factory.Settings["Plexura:App:BaseUrl"] = $"http://localhost:{KestrelPort}";
            await base.InitializeAsync();
            Stripe.WebhookTarget = new Uri(BaseAddress, "/api/stripe/webhook");
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Stripe.DisposeAsync();
        }

        // Development: the invitation is followed from the development outbox, as a person would from their inbox.
        protected override PlexuraWebFactory CreateFactory() => new PracticeArrangeFactory { EnvironmentName = "Development" };
    }
}
