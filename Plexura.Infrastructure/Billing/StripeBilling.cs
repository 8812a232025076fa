using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexura.Core.Billing;
using Plexura.Infrastructure.Configuration;
using Polly;
using Polly.Retry;
using Stripe;

namespace Plexura.Infrastructure.Billing;

/// <summary>Core's view of <see cref="BillingOptions"/>.</summary>
internal sealed class BillingConfiguration(IOptions<BillingOptions> options) : IBillingConfiguration
{
    public bool IsEnabled => options.Value.IsEnabled;

    public string? MonthlyPriceId => options.Value.StripePriceId;

    public string? AnnualPriceId => options.Value.StripeAnnualPriceId;

    public int TrialDays => options.Value.TrialDays;

    public int GraceDays => options.Value.GraceDays;
}

/// <summary>
/// Stripe through the official Stripe.net client. The SDK's own retries are off; every call runs in one Polly retry
/// pipeline instead (429, 409 lock or idempotency conflicts, 5xx and network errors; exponential backoff with jitter,
/// <c>Plexura:Billing:MaxAttempts</c>), with one idempotency key per logical call so a retried POST is applied once.
/// </summary>
/// <remarks>
/// Stripe receives the practice id (metadata), the owner's email and seat counts only. Failures surface as
/// <see cref="BillingGatewayException"/> with Stripe's error code and the HTTP status, never request content.
/// </remarks>
internal sealed class StripeBillingGateway : IBillingGateway
{
    private readonly StripeClient _client;
    private readonly ResiliencePipeline _retry;

    public StripeBillingGateway(IOptions<BillingOptions> options, ILogger<StripeBillingGateway> logger)
    {
        var o = options.Value;
        var http = new HttpClient { Timeout = o.Timeout };
        _client = new StripeClient(
            o.StripeSecretKey ?? "sk_unset",
            httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 0),
            apiBase: string.IsNullOrWhiteSpace(o.StripeApiBase) ? null : o.StripeApiBase.TrimEnd('/'));
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BillingGatewayException>(e => e.IsTransient),
                MaxRetryAttempts = Math.Max(0, o.MaxAttempts - 1),
                Delay = o.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Stripe call failed ({Code}); retry {Attempt} in {Delay}", (args.Outcome.Exception as BillingGatewayException)?.Code, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public Task<CheckoutStart> CreateCheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = new Dictionary<string, string> { ["practice_id"] = request.PracticeId.ToString() };
        var options = new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "subscription",
            Customer = request.CustomerId,
            CustomerEmail = request.CustomerId is null ? request.CustomerEmail : null,
            ClientReferenceId = request.PracticeId.ToString(),
            Metadata = metadata,
            LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = request.PriceId, Quantity = request.Seats }],
            SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions
            {
                Metadata = metadata,
                TrialPeriodDays = request.TrialDays > 0 ? request.TrialDays : null,
            },
            SuccessUrl = request.SuccessUrl,
            CancelUrl = request.CancelUrl,
        };
        return RunAsync(async (ro, token) =>
        {
            var session = await new Stripe.Checkout.SessionService(_client).CreateAsync(options, ro, token);
            return new CheckoutStart(session.Id, session.Url);
        }, ct);
    }

    public async Task<CheckoutSnapshot?> GetCheckoutAsync(string sessionId, CancellationToken ct)
    {
        try
        {
            return await RunAsync(async (ro, token) =>
            {
                var s = await new Stripe.Checkout.SessionService(_client).GetAsync(sessionId, null, ro, token);
                return new CheckoutSnapshot(s.Id, s.Metadata?.GetValueOrDefault("practice_id"), s.CustomerId, s.SubscriptionId, s.Status);
            }, ct);
        }
        catch (BillingGatewayException ex) when (ex.StatusCode == 404)
        {
            return null;
        }
    }

    public Task<string> CreatePortalAsync(string customerId, string returnUrl, CancellationToken ct) =>
        RunAsync(async (ro, token) =>
        {
            var s = await new Stripe.BillingPortal.SessionService(_client).CreateAsync(
                new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl }, ro, token);
            return s.Url;
        }, ct);

    public Task<SubscriptionSnapshot> GetSubscriptionAsync(string subscriptionId, CancellationToken ct) =>
        RunAsync(async (ro, token) => Map(await new SubscriptionService(_client).GetAsync(subscriptionId, null, ro, token)), ct);

    public Task<SubscriptionSnapshot> UpdateSeatsAsync(string subscriptionId, string itemId, int seats, CancellationToken ct) =>
        RunAsync(async (ro, token) =>
        {
            await new SubscriptionItemService(_client).UpdateAsync(
                itemId, new SubscriptionItemUpdateOptions { Quantity = seats, ProrationBehavior = "create_prorations" }, ro, token);
            return Map(await new SubscriptionService(_client).GetAsync(subscriptionId, null, null, token));
        }, ct);

    public Task<IReadOnlyList<InvoiceSummary>> ListInvoicesAsync(string customerId, int limit, CancellationToken ct) =>
        RunAsync<IReadOnlyList<InvoiceSummary>>(async (ro, token) =>
        {
            var list = await new InvoiceService(_client).ListAsync(new InvoiceListOptions { Customer = customerId, Limit = limit }, ro, token);
            return [.. list.Data.Select(i => new InvoiceSummary(
                i.Id, i.Number, i.Status, i.AmountDue, i.Currency ?? "usd", new DateTimeOffset(DateTime.SpecifyKind(i.Created, DateTimeKind.Utc)), i.HostedInvoiceUrl, i.InvoicePdf))];
        }, ct);

    public async Task<InvoiceEstimate?> PreviewNextInvoiceAsync(string customerId, string subscriptionId, CancellationToken ct)
    {
        try
        {
            return await RunAsync(async (ro, token) =>
            {
                var i = await new InvoiceService(_client).CreatePreviewAsync(
                    new InvoiceCreatePreviewOptions { Customer = customerId, Subscription = subscriptionId }, ro, token);
                return new InvoiceEstimate(i.AmountDue, i.Currency ?? "usd", Utc(i.NextPaymentAttempt));
            }, ct);
        }
        catch (BillingGatewayException ex) when (ex.Code == "invoice_upcoming_none")
        {
            return null;
        }
    }

    /// <summary>A subscription in Core's terms.</summary>
    internal static SubscriptionSnapshot Map(Subscription s)
    {
        var item = s.Items?.Data?.FirstOrDefault();
        return new SubscriptionSnapshot(
            s.Id,
            s.CustomerId,
            s.Status ?? "canceled",
            item?.Id,
            item?.Price?.Id,
            item?.Price?.Recurring?.Interval,
            (int)(item?.Quantity ?? 0),
            Utc(s.TrialEnd),
            item is null ? null : Utc(item.CurrentPeriodEnd),
            s.CancelAtPeriodEnd,
            s.Metadata?.GetValueOrDefault("practice_id"));
    }

    private static DateTimeOffset? Utc(DateTime? at) =>
        at is { } t && t > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private async Task<T> RunAsync<T>(Func<RequestOptions, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var options = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString("N") };
        return await _retry.ExecuteAsync(
            async token =>
            {
                try
                {
                    return await call(options, token);
                }
                catch (StripeException ex)
                {
                    var status = (int)ex.HttpStatusCode;
                    var code = ex.StripeError?.Code ?? $"http-{status.ToString(CultureInfo.InvariantCulture)}";
                    var transient = status is 429 or >= 500 || (status == 409 && code is "lock_timeout" or "idempotency_key_in_use") || status == 0;
                    throw new BillingGatewayException(code, status == 0 ? null : status, transient, ex);
                }
                catch (HttpRequestException ex)
                {
                    throw new BillingGatewayException("network", null, true, ex);
                }
                catch (TaskCanceledException ex) when (!token.IsCancellationRequested)
                {
                    throw new BillingGatewayException("timeout", (int)HttpStatusCode.RequestTimeout, true, ex);
                }
            },
            ct);
    }
}

/// <summary>Verifies and maps webhook deliveries with Stripe.net's <see cref="EventUtility.ConstructEvent(string, string, string, long, bool)"/>.</summary>
internal sealed class StripeWebhookReader(IOptions<BillingOptions> options, TimeProvider time) : IBillingWebhookReader
{
    public BillingEvent Read(string payload, string? signatureHeader)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.StripeWebhookSecret))
        {
            throw new WebhookRejectedException("not-configured");
        }

        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            throw new WebhookRejectedException("no-signature");
        }

        if (SignedAt(signatureHeader) is not { } signedAt)
        {
            throw new WebhookRejectedException("bad-signature");
        }

        var age = time.GetUtcNow().ToUnixTimeSeconds() - signedAt;
        if (Math.Abs(age) > o.WebhookToleranceSeconds)
        {
            throw new WebhookRejectedException("too-old");
        }

        Event e;
        try
        {
            e = EventUtility.ConstructEvent(payload, signatureHeader, o.StripeWebhookSecret, o.WebhookToleranceSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException)
        {
            throw new WebhookRejectedException("bad-signature");
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or System.Text.Json.JsonException or FormatException or ArgumentException)
        {
            throw new WebhookRejectedException("malformed");
        }

        if (string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.Type))
        {
            throw new WebhookRejectedException("malformed");
        }

        var created = new DateTimeOffset(DateTime.SpecifyKind(e.Created, DateTimeKind.Utc));
        return e.Data?.Object switch
        {
            Subscription s => new BillingEvent(e.Id, e.Type, created, Subscription: StripeBillingGateway.Map(s)),
            Stripe.Checkout.Session c => new BillingEvent(
                e.Id, e.Type, created, Checkout: new CheckoutSnapshot(c.Id, c.Metadata?.GetValueOrDefault("practice_id"), c.CustomerId, c.SubscriptionId, c.Status)),
            Invoice i => new BillingEvent(
                e.Id, e.Type, created, InvoiceCustomerId: i.CustomerId, InvoiceSubscriptionId: i.Parent?.SubscriptionDetails?.SubscriptionId, InvoiceId: i.Id),
            _ => new BillingEvent(e.Id, e.Type, created),
        };
    }

    private static long? SignedAt(string header)
    {
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim() == "t" && long.TryParse(kv[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                return t;
            }
        }

        return null;
    }
}
