using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Billing;
using Plexura.Core.Common;
using Plexura.Core.Email;
using Plexura.Core.Memberships;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;
using Plexura.Tests.Web;

namespace Plexura.Tests.Api;

/// <summary>
/// Billing end to end through the real Stripe.net client against <see cref="FakeStripeServer"/>, with real signed webhook
/// deliveries: Checkout and its verified return, the portal, seat sync (and a Stripe 500 retried, then shown), exactly
/// once under replays and two app instances on one database, out-of-order events, bad signatures, old timestamps,
/// unknown types, enforcement after cancellation, and billing emails.
/// </summary>
public sealed class BillingApiTests(BillingApiTests.Factory factory) : IClassFixture<BillingApiTests.Factory>
{
    private const string Webhook = "/api/stripe/webhook";
    private const string Billing = "/api/v1/billing";

    // ---- Checkout and portal ----

    [Fact]
    public async Task Checkout_SendsPracticeIdAndOwnerEmailOnly_HostedPageRedirectsBack_ReturnVerifiedServerSide()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        using var owner = PracticeArrange.ApiClient(factory, p, PracticeRole.Owner);

        var start = await owner.PostAsJsonAsync($"{Billing}/checkout", new { annual = false });
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var url = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        var created = factory.Stripe.Requests.Last(r => r.Path == "/v1/checkout/sessions");
        Assert.Equal(p.PracticeId.ToString(), created.Form["metadata[practice_id]"]);
        Assert.Equal(p.PracticeId.ToString(), created.Form["subscription_data[metadata][practice_id]"]);
        Assert.Equal(p.Owner.Email, created.Form["customer_email"]);
        Assert.Equal(("price_monthly", "3", "14"), (created.Form["line_items[0][price]"], created.Form["line_items[0][quantity]"], created.Form["subscription_data[trial_period_days]"]));
        Assert.DoesNotContain(created.Form.Values, v => v.Contains("Jordan", StringComparison.Ordinal));

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var hosted = await browser.GetAsync(new Uri(url));
        var back = hosted.Headers.Location!;
        Assert.StartsWith("/practice/billing?checkout=cs_test_", back.PathAndQuery, StringComparison.Ordinal);
        var sessionId = back.Query.Split('=')[1];

        var complete = await owner.PostAsJsonAsync($"{Billing}/checkout/complete", new { sessionId });
        Assert.Equal("trialing", (await complete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var again = await owner.PostAsJsonAsync($"{Billing}/checkout/complete", new { sessionId });
        Assert.Equal("trialing", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var overview = await owner.GetFromJsonAsync<JsonElement>(Billing);
        Assert.Equal(("Trialing", 3, 3, "Monthly"), (overview.GetProperty("status").GetString(), overview.GetProperty("seatsUsed").GetInt32(), overview.GetProperty("seatsBilled").GetInt32(), overview.GetProperty("plan").GetString()));
        Assert.True(overview.GetProperty("hasCustomer").GetBoolean());

        var portal = await owner.PostAsync($"{Billing}/portal", null);
        Assert.StartsWith(factory.Stripe.ApiBase + "/portal/", (await portal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString(), StringComparison.Ordinal);
        var audit = await AuditAsync(p.PracticeId);
        Assert.Contains(audit, e => e.Action == AuditAction.SettingsChanged && e.TargetType == "billing" && e.Details.GetValueOrDefault("to") == "trialing");
        // The second return (a reload) found nothing new: one subscription change audited, not two.
        Assert.Single(audit, e => e.TargetType == "billing" && e.Details.GetValueOrDefault("setting") == "billing-subscription");
    }

    [Fact]
    public async Task CheckoutReturn_WithAnotherPracticesOrAnUnknownSession_IsRefusedAuditedAndChangesNothing()
    {
        var (a, b) = await factory.SharedPairAsync();
        var (otherSession, _) = factory.Stripe.AddCompletedCheckout(b.PracticeId.ToString(), 3);
        using var owner = PracticeArrange.ApiClient(factory, a, PracticeRole.Owner);

        foreach (var tampered in new[] { otherSession, "cs_test_doesnotexist", "cs_<script>", "../v1/customers" })
        {
            var response = await owner.PostAsJsonAsync($"{Billing}/checkout/complete", new { sessionId = tampered });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("does not belong to your practice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var empty = await owner.PostAsJsonAsync($"{Billing}/checkout/complete", new { sessionId = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Null(await BillingOf(a.PracticeId));
        Assert.Equal(4, (await AuditAsync(a.PracticeId)).Count(e => e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "checkout-not-yours"));
    }

    [Fact]
    public async Task CheckoutReturn_OfTheOwnersOwnCheckoutNotYetCompleted_Is400ProblemDetailsAndChangesNothing()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        using var owner = PracticeArrange.ApiClient(factory, p, PracticeRole.Owner);
        var start = await owner.PostAsJsonAsync($"{Billing}/checkout", new { annual = false });
        var sessionId = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;

        // The return link is opened without paying on Stripe's page.
        var response = await owner.PostAsJsonAsync($"{Billing}/checkout/complete", new { sessionId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not finished yet", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await BillingOf(p.PracticeId));
        Assert.DoesNotContain(factory.Stripe.Subscriptions.Values, s => s.Metadata.GetValueOrDefault("practice_id") == p.PracticeId.ToString());
    }

    [Theory]
    [InlineData(PracticeRole.Admin)]
    [InlineData(PracticeRole.Clinician)]
    [InlineData(PracticeRole.Compliance)]
    public async Task BillingEndpoints_AnyoneButAnOwner_IsRefused(PracticeRole role)
    {
        var (a, _) = await factory.SharedPairAsync();
        using var member = PracticeArrange.ApiClient(factory, a, role);

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(Billing)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"{Billing}/checkout", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"{Billing}/seats/sync", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"{Billing}/portal", null)).StatusCode);
    }

    // ---- webhooks ----

    [Fact]
    public async Task Webhook_SignedSubscriptionUpdate_AppliedOnce_ReplayIsADuplicate_AuditedWithStripeIdsOnly()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        var (id, json) = FakeStripeServer.Event(BillingEventTypes.SubscriptionUpdated, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow);

        var first = await DeliverAsync(factory, json);
        var replay = await DeliverAsync(factory, json);

        Assert.Equal(("applied", "duplicate"), (await OutcomeAsync(first), await OutcomeAsync(replay)));
        var billing = await BillingOf(p.PracticeId);
        Assert.Equal((BillingStatus.Active, sub.Id, sub.CustomerId, 3), (billing!.Status, billing.SubscriptionId, billing.CustomerId, billing.BilledSeats));
        var changes = (await AuditAsync(p.PracticeId)).Where(e => e.Details.GetValueOrDefault("source") == id).ToList();
        var change = Assert.Single(changes);
        Assert.Equal((AuditAction.SettingsChanged, "none", "active", sub.Id, sub.CustomerId), (change.Action, change.Details["from"], change.Details["to"], change.Details["subscription"], change.Details["customer"]));
        Assert.All(change.Details.Values, v => Assert.DoesNotContain("@", v, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_ForgedMissingOrOldSignature_Is400AndChangesNothing_UnknownTypeIsIgnored()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        var (id, json) = FakeStripeServer.Event(BillingEventTypes.SubscriptionUpdated, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow);
        using var client = factory.CreateClient();

        var forged = await FakeStripeServer.DeliverAsync(client, Webhook, json, FakeStripeServer.Sign(json, DateTimeOffset.UtcNow, "whsec_wrong"));
        var missing = await FakeStripeServer.DeliverAsync(client, Webhook, json, null);
        var tamperedBody = await FakeStripeServer.DeliverAsync(client, Webhook, json.Replace("active", "canceled", StringComparison.Ordinal), FakeStripeServer.Sign(json, DateTimeOffset.UtcNow));
        var old = DateTimeOffset.UtcNow.AddSeconds(-301);
        var replayedOld = await FakeStripeServer.DeliverAsync(client, Webhook, json, FakeStripeServer.Sign(json, old));
        var garbage = await FakeStripeServer.DeliverAsync(client, Webhook, json, "t=abc,v1=zz");

        foreach (var (response, code) in new[] { (forged, "bad-signature"), (missing, "no-signature"), (tamperedBody, "bad-signature"), (replayedOld, "too-old"), (garbage, "bad-signature") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Null(await BillingOf(p.PracticeId));
        Assert.Null(await factory.Services.GetRequiredService<IStripeEventStore>().GetAsync(id, CancellationToken.None));

        var (_, unknown) = FakeStripeServer.Event("customer.tax_id.created", new JsonObject { ["id"] = "txi_1", ["object"] = "tax_id" }, DateTimeOffset.UtcNow);
        var ignored = await DeliverAsync(factory, unknown);
        Assert.Equal((HttpStatusCode.OK, "ignored"), (ignored.StatusCode, await OutcomeAsync(ignored)));
    }

    /// <summary>
    /// A forged delivery names no trustworthy practice (its body is the forger's), and audit events are per-practice hash
    /// chains: it is logged with the refusal code only (never the body), written to no practice's audit chain, and
    /// answered with ProblemDetails.
    /// </summary>
    [Fact]
    public async Task Webhook_ForgedOrUnsigned_Is400ProblemDetails_LoggedWithoutTheBody_NotAudited()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        var (id, json) = FakeStripeServer.Event(BillingEventTypes.SubscriptionUpdated, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow);
        using var client = factory.CreateClient();

        var forged = await FakeStripeServer.DeliverAsync(client, Webhook, json, FakeStripeServer.Sign(json, DateTimeOffset.UtcNow, "whsec_wrong"));
        var missing = await FakeStripeServer.DeliverAsync(client, Webhook, json, null);

        foreach (var (response, code) in new[] { (forged, "bad-signature"), (missing, "no-signature") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            Assert.Equal("Webhook refused", problem.GetProperty("title").GetString());
            Assert.Contains(code, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(factory.Logs, l => l.Contains("Stripe webhook refused: " + code, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(factory.Logs, l => l.Contains(id, StringComparison.Ordinal) || l.Contains(sub.Id, StringComparison.Ordinal) || l.Contains(sub.CustomerId, StringComparison.Ordinal));
        Assert.DoesNotContain(await AuditAsync(p.PracticeId), e => e.TargetType == "billing" || e.ActorEmail == "stripe-webhook" || e.Details.Values.Any(v => v.Contains(sub.Id, StringComparison.Ordinal)));
        Assert.Null(await BillingOf(p.PracticeId));
        Assert.Null(await factory.Services.GetRequiredService<IStripeEventStore>().GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Webhook_OutOfOrder_NeverMovesTheSubscriptionBackwards_AndCanceledIsFinal()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-3);

        sub.Status = "past_due";
        var (_, newer) = FakeStripeServer.Event(BillingEventTypes.SubscriptionUpdated, factory.Stripe.SubscriptionJson(sub), t0.AddMinutes(2));
        sub.Status = "active";
        var (_, older) = FakeStripeServer.Event(BillingEventTypes.SubscriptionUpdated, factory.Stripe.SubscriptionJson(sub), t0);
        Assert.Equal("applied", await OutcomeAsync(await DeliverAsync(factory, newer)));
        Assert.Equal("stale", await OutcomeAsync(await DeliverAsync(factory, older)));
        Assert.Equal(BillingStatus.PastDue, (await BillingOf(p.PracticeId))!.Status);

        sub.Status = "canceled";
        var (_, deleted) = FakeStripeServer.Event(BillingEventTypes.SubscriptionDeleted, factory.Stripe.SubscriptionJson(sub), t0.AddMinutes(3));
        sub.Status = "active";
        var (_, lateCreated) = FakeStripeServer.Event(BillingEventTypes.SubscriptionCreated, factory.Stripe.SubscriptionJson(sub), t0.AddMinutes(3));
        await DeliverAsync(factory, deleted);
        Assert.Equal("stale", await OutcomeAsync(await DeliverAsync(factory, lateCreated)));
        Assert.Equal(BillingStatus.Canceled, (await BillingOf(p.PracticeId))!.Status);
    }

    [Fact]
    public async Task Webhook_DuplicatesDeliveredConcurrentlyToTwoInstancesOnOneDatabase_EachEventAppliedExactlyOnce()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        await using var second = factory.SecondInstance();
        using var one = factory.CreateClient();
        using var two = second.CreateClient();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        var events = Enumerable.Range(0, 20).Select(i =>
        {
            sub.Quantity = 3 + i;
            return FakeStripeServer.Event(BillingEventTypes.SubscriptionUpdated, factory.Stripe.SubscriptionJson(sub), t0.AddSeconds(i));
        }).ToList();

        var deliveries = events.SelectMany(e => new[] { (one, e.Json), (two, e.Json), (one, e.Json), (two, e.Json) })
            .Select(d => Task.Run(() => FakeStripeServer.DeliverAsync(d.Item1, Webhook, d.Json, FakeStripeServer.Sign(d.Json, DateTimeOffset.UtcNow))));
        var responses = await Task.WhenAll(deliveries);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var outcomes = await Task.WhenAll(responses.Select(OutcomeAsync));
        Assert.Equal(20, outcomes.Count(o => o is "applied" or "stale"));
        var store = factory.Services.GetRequiredService<IStripeEventStore>();
        foreach (var (id, _) in events)
        {
            Assert.Equal(StripeEventState.Applied, (await store.GetAsync(id, CancellationToken.None))!.State);
        }

        var audited = (await AuditAsync(p.PracticeId)).Where(e => e.Details.TryGetValue("source", out var s) && s.StartsWith("evt_", StringComparison.Ordinal)).ToList();
        Assert.Equal(audited.Count, audited.Select(e => e.Details["source"]).Distinct().Count());
        Assert.Equal(22, (await BillingOf(p.PracticeId))!.BilledSeats);
    }

    [Fact]
    public async Task Webhook_PaymentFailed_StartsGrace_EmailsOwnersALinkOnly_ThenCanceled_BlocksNewSessionsButNotReading()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        await DeliverAsync(factory, FakeStripeServer.Event(BillingEventTypes.SubscriptionCreated, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow.AddMinutes(-2)).Json);

        var (failedId, failed) = FakeStripeServer.Event(BillingEventTypes.InvoicePaymentFailed, FakeStripeServer.InvoiceJson(sub.CustomerId, sub.Id, "open"), DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal("applied", await OutcomeAsync(await DeliverAsync(factory, failed)));
        Assert.NotNull((await BillingOf(p.PracticeId))!.PastDueSince);
        var outbox = await factory.Services.GetRequiredService<IOutboxRepository>().ListNewestAsync(500, CancellationToken.None);
        var mail = Assert.Single(outbox, m => m.Kind == "billing-payment-failed" && m.To == p.Owner.Email);
        Assert.Contains("/practice/billing", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(outbox, m => m.Kind == "billing-payment-failed" && m.To != p.Owner.Email && m.TextBody.Contains(failedId, StringComparison.Ordinal));

        sub.Status = "canceled";
        await DeliverAsync(factory, FakeStripeServer.Event(BillingEventTypes.SubscriptionDeleted, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow).Json);
        using var owner = PracticeArrange.ApiClient(factory, p, PracticeRole.Owner);
        var start = await owner.PostAsJsonAsync($"/api/v1/clients/{p.ClientId}/sessions", new { });
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Contains("subscription has ended", await start.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/clients/{p.ClientId}")).StatusCode);
        Assert.Contains(await AuditAsync(p.PracticeId), e => e.Result == AuditResult.Denied && e.Details.GetValueOrDefault("reason") == "billing-inactive");
    }

    // ---- seats ----

    [Fact]
    public async Task Seats_FollowRoleChanges_ComplianceIsFree_AndAStripe500IsRetriedThenShown()
    {
        var p = await PracticeArrange.CreateAsync(factory);
        var sub = factory.Stripe.AddSubscription(p.PracticeId.ToString(), 3, "active");
        await DeliverAsync(factory, FakeStripeServer.Event(BillingEventTypes.SubscriptionCreated, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow.AddMinutes(-1)).Json);
        using var owner = PracticeArrange.ApiClient(factory, p, PracticeRole.Owner);

        var promoted = await owner.PutAsJsonAsync($"/api/v1/members/{p.Compliance.MembershipId}/role", new { role = "Clinician" });
        Assert.Equal(HttpStatusCode.NoContent, promoted.StatusCode);
        await Eventually.HoldsAsync(async () => (await BillingOf(p.PracticeId))!.BilledSeats == 4, "the seat count reaches Stripe");
        var update = factory.Stripe.Requests.Last(r => r.Path == $"/v1/subscription_items/{sub.ItemId}");
        Assert.Equal(("4", "create_prorations"), (update.Form["quantity"], update.Form["proration_behavior"]));

        factory.Stripe.FailNext(100, $"/v1/subscription_items/{sub.ItemId}", 500);
        try
        {
            var before = factory.Stripe.Requests.Count(r => r.Path == $"/v1/subscription_items/{sub.ItemId}");
            Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/members/{p.Clinician.MembershipId}")).StatusCode);
            await Eventually.HoldsAsync(async () => (await BillingOf(p.PracticeId))!.SeatSyncError == "api_error", "the failure is recorded");
            await Eventually.HoldsAsync(
                () => factory.Stripe.Requests.Count(r => r.Path == $"/v1/subscription_items/{sub.ItemId}") - before >= 3, "the update is retried");
            var overview = await owner.GetFromJsonAsync<JsonElement>(Billing);
            Assert.Equal(("api_error", 3, 4), (overview.GetProperty("seatSyncError").GetString(), overview.GetProperty("seatsUsed").GetInt32(), overview.GetProperty("seatsBilled").GetInt32()));
        }
        finally
        {
            factory.Stripe.ClearFailures();
        }

        Assert.Equal(HttpStatusCode.Accepted, (await owner.PostAsync($"{Billing}/seats/sync", null)).StatusCode);
        await Eventually.HoldsAsync(async () => (await BillingOf(p.PracticeId)) is { BilledSeats: 3, SeatSyncError: null }, "a later sync succeeds and clears the error");
    }

    [Fact]
    public async Task SeatSync_ForAnotherPractice_CannotBeAsked_TheOwnersOwnPracticeIsUsed()
    {
        var (a, b) = await factory.SharedPairAsync();
        var sub = factory.Stripe.AddSubscription(b.PracticeId.ToString(), 7, "active");
        await DeliverAsync(factory, FakeStripeServer.Event(BillingEventTypes.SubscriptionCreated, factory.Stripe.SubscriptionJson(sub), DateTimeOffset.UtcNow.AddMinutes(-1)).Json);
        using var ownerA = PracticeArrange.ApiClient(factory, a, PracticeRole.Owner);
        var before = factory.Stripe.Requests.Count;

        var response = await ownerA.PostAsJsonAsync($"{Billing}/seats/sync", new { practiceId = b.PracticeId.ToString() });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Task.Yield();
        Assert.DoesNotContain(factory.Stripe.Requests.Skip(before), r => r.Path.Contains(sub.ItemId, StringComparison.Ordinal));
        Assert.Equal(7, (await BillingOf(b.PracticeId))!.BilledSeats);
    }

    private static async Task<string?> OutcomeAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString() : null;

    private static async Task<HttpResponseMessage> DeliverAsync(Factory factory, string json)
    {
        using var client = factory.CreateClient();
        return await FakeStripeServer.DeliverAsync(client, Webhook, json, FakeStripeServer.Sign(json, DateTimeOffset.UtcNow));
    }

    private Task<PracticeBilling?> BillingOf(PracticeId practiceId) =>
        factory.Services.GetRequiredService<IPracticeBillingRepository>().GetAsync(practiceId, CancellationToken.None);

    private async Task<IReadOnlyList<AuditEvent>> AuditAsync(PracticeId practiceId) =>
        await factory.Services.GetRequiredService<IAuditStore>().QueryAsync(practiceId, new AuditQuery(Limit: 1000), CancellationToken.None);

    /// <summary>The app with billing on against a <see cref="FakeStripeServer"/>, jobs retrying fast.</summary>
    public sealed class Factory : PracticeArrangeFactory
    {
        public Factory()
        {
            Stripe = FakeStripeServer.StartAsync().GetAwaiter().GetResult();
            foreach (var (key, value) in BillingSettings(Stripe))
            {
                Settings[key] = value;
            }
        }

        public FakeStripeServer Stripe { get; }

        /// <summary>Billing on against <paramref name="stripe"/>, with fast retries.</summary>
        public static IReadOnlyDictionary<string, string> BillingSettings(FakeStripeServer stripe) => new Dictionary<string, string>
        {
            ["Plexura:Billing:StripeSecretKey"] = FakeStripeServer.SecretKey,
            ["Plexura:Billing:StripeWebhookSecret"] = FakeStripeServer.WebhookSecret,
            ["Plexura:Billing:StripePriceId"] = "price_monthly",
            ["Plexura:Billing:StripeAnnualPriceId"] = "price_annual",
            ["Plexura:Billing:StripeApiBase"] = stripe.ApiBase,
            ["Plexura:Billing:TrialDays"] = "14",
            ["Plexura:Billing:RetryBaseDelay"] = "00:00:00.010",
            ["Plexura:Jobs:MaxAttempts"] = "2",
            ["Plexura:Jobs:RetryBaseDelay"] = "00:00:00.020",
            ["Plexura:Jobs:RetryMaxDelay"] = "00:00:00.050",
            ["Plexura:Jobs:PollInterval"] = "00:00:00.100",
        };

        /// <summary>A second app instance on the same SQLite file, keys and Stripe.</summary>
        public PlexuraWebFactory SecondInstance()
        {
            var second = new PlexuraWebFactory();
            foreach (var (key, value) in Settings)
            {
                second.Settings[key] = value;
            }

            return second;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Stripe.DisposeAsync();
        }
    }
}
