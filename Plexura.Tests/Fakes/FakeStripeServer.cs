using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plexura.Tests.Fakes;

/// <summary>What the fake received in one API request: method, path and form fields (Stripe's form encoding).</summary>
public sealed record FakeStripeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Form, string? IdempotencyKey, int Status);

/// <summary>A subscription the fake holds.</summary>
public sealed class FakeSubscription
{
    public required string Id { get; init; }

    public required string CustomerId { get; init; }

    public required string ItemId { get; init; }

    public required string PriceId { get; init; }

    public string Status { get; set; } = "active";

    public long Quantity { get; set; }

    public long? TrialEnd { get; set; }

    public long PeriodEnd { get; set; }

    public bool CancelAtPeriodEnd { get; set; }

    public Dictionary<string, string> Metadata { get; init; } = [];
}

/// <summary>
/// A local Kestrel server speaking Stripe's API wire format (form-encoded requests; JSON objects with an <c>object</c>
/// field, list objects and error objects out) for what Plexura calls through Stripe.net: customers, Checkout sessions
/// (create, retrieve, and a hosted page that completes the session and redirects to <c>success_url</c> with the session
/// id, so a browser can follow it), billing portal sessions, subscriptions (retrieve, update), subscription items
/// (quantity with proration), invoices (list, <c>create_preview</c>). It also builds and signs webhook events like
/// Stripe (<c>Stripe-Signature: t=...,v1=HMAC-SHA256("t.payload")</c>).
/// </summary>
/// <remarks>Failures can be scripted per path prefix: any status with Stripe's error object.</remarks>
public sealed class FakeStripeServer : IAsyncDisposable
{
    /// <summary>The secret key the fake accepts.</summary>
    public const string SecretKey = "sk_test_fake";

    /// <summary>The webhook signing secret used by <see cref="Sign"/>.</summary>
    public const string WebhookSecret = "whsec_fake_secret";

    /// <summary>The monthly price's unit amount in cents.</summary>
    public const long UnitAmount = 1500;

    private readonly ConcurrentDictionary<string, JsonObject> _sessions = new();
    private readonly ConcurrentDictionary<string, FakeSubscription> _subscriptions = new();
    private readonly ConcurrentDictionary<string, string> _customers = new();
    private readonly ConcurrentDictionary<string, string> _portals = new();
    private readonly ConcurrentQueue<(string Prefix, int Status, string Code)> _failures = new();
    private readonly ConcurrentQueue<FakeStripeRequest> _requests = new();
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private int _counter;

    /// <summary>The API base to configure (<c>http://127.0.0.1:PORT</c>, no <c>/v1</c>).</summary>
    public string ApiBase { get; private set; } = null!;

    /// <summary>Every API request received.</summary>
    public IReadOnlyList<FakeStripeRequest> Requests => [.. _requests];

    /// <summary>The subscriptions, by id.</summary>
    public IReadOnlyDictionary<string, FakeSubscription> Subscriptions => _subscriptions;

    /// <summary>Where completed Checkouts deliver their webhooks, when set (for end-to-end browser tests).</summary>
    public Uri? WebhookTarget { get; set; }

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<FakeStripeServer> StartAsync()
    {
        var server = new FakeStripeServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(server.GuardAsync);
        app.MapPost("/v1/customers", (Delegate)server.CreateCustomerAsync);
        app.MapPost("/v1/checkout/sessions", (Delegate)server.CreateCheckoutAsync);
        app.MapGet("/v1/checkout/sessions/{id}", (Delegate)server.GetCheckout);
        app.MapGet("/checkout/{id}", (Delegate)server.HostedCheckoutAsync);
        app.MapPost("/v1/billing_portal/sessions", (Delegate)server.CreatePortalAsync);
        app.MapGet("/portal/{id}", (string id) => Results.Redirect(server._portals.GetValueOrDefault(id) ?? "/"));
        app.MapGet("/v1/subscriptions/{id}", (string id) => server.SubscriptionResult(id));
        app.MapPost("/v1/subscriptions/{id}", (Delegate)server.UpdateSubscriptionAsync);
        app.MapPost("/v1/subscription_items/{id}", (Delegate)server.UpdateItemAsync);
        app.MapGet("/v1/invoices", (Delegate)server.ListInvoices);
        app.MapPost("/v1/invoices/create_preview", (Delegate)server.PreviewInvoiceAsync);
        await app.StartAsync();
        server._app = app;
        server.ApiBase = app.Urls.Single().TrimEnd('/');
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests whose path starts with <paramref name="pathPrefix"/> get <paramref name="status"/>.</summary>
    public FakeStripeServer FailNext(int count, string pathPrefix, int status = 500, string code = "api_error")
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue((pathPrefix, status, code));
        }

        return this;
    }

    /// <summary>Drops every scripted failure not used yet.</summary>
    public void ClearFailures() => _failures.Clear();

    /// <summary>Adds a customer directly (as if a Checkout had created it) and returns its id.</summary>
    public string AddCustomer(string email)
    {
        var customer = NewId("cus");
        _customers[customer] = email;
        return customer;
    }

    /// <summary>Adds a subscription directly (as if Checkout had run) and returns it.</summary>
    public FakeSubscription AddSubscription(string practiceId, long quantity, string status = "active", string priceId = "price_monthly")
    {
        var customer = NewId("cus");
        _customers[customer] = "owner@example.test";
        var sub = new FakeSubscription
        {
            Id = NewId("sub"),
            CustomerId = customer,
            ItemId = NewId("si"),
            PriceId = priceId,
            Status = status,
            Quantity = quantity,
            PeriodEnd = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds(),
            Metadata = new Dictionary<string, string> { ["practice_id"] = practiceId },
        };
        _subscriptions[sub.Id] = sub;
        return sub;
    }

    /// <summary>Adds a completed Checkout session for <paramref name="practiceId"/> with a new subscription; returns the session id.</summary>
    public (string SessionId, FakeSubscription Subscription) AddCompletedCheckout(string practiceId, long quantity, string status = "trialing")
    {
        var sub = AddSubscription(practiceId, quantity, status);
        var id = NewId("cs_test");
        _sessions[id] = new JsonObject
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["mode"] = "subscription",
            ["status"] = "complete",
            ["customer"] = sub.CustomerId,
            ["subscription"] = sub.Id,
            ["metadata"] = new JsonObject { ["practice_id"] = practiceId },
            ["url"] = null,
        };
        return (id, sub);
    }

    /// <summary>The subscription as Stripe's JSON object.</summary>
    public JsonObject SubscriptionJson(FakeSubscription sub)
    {
        ArgumentNullException.ThrowIfNull(sub);
        lock (_gate)
        {
            var metadata = new JsonObject();
            foreach (var (k, v) in sub.Metadata)
            {
                metadata[k] = v;
            }

            return new JsonObject
            {
                ["id"] = sub.Id,
                ["object"] = "subscription",
                ["customer"] = sub.CustomerId,
                ["status"] = sub.Status,
                ["cancel_at_period_end"] = sub.CancelAtPeriodEnd,
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["trial_end"] = sub.TrialEnd,
                ["livemode"] = false,
                ["metadata"] = metadata,
                ["items"] = new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(ItemJson(sub)),
                    ["has_more"] = false,
                    ["url"] = "/v1/subscription_items?subscription=" + sub.Id,
                },
            };
        }
    }

    /// <summary>A webhook event of <paramref name="type"/> about <paramref name="data"/>, created at <paramref name="created"/>: its id and JSON.</summary>
    public static (string Id, string Json) Event(string type, JsonObject data, DateTimeOffset created, string? id = null)
    {
        id ??= "evt_" + Guid.NewGuid().ToString("N")[..24];
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["type"] = type,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["data"] = new JsonObject { ["object"] = data },
        };
        return (id, json.ToJsonString());
    }

    /// <summary>An invoice object for invoice events.</summary>
    public static JsonObject InvoiceJson(string customerId, string subscriptionId, string status, long amount = UnitAmount) => new()
    {
        ["id"] = "in_" + Guid.NewGuid().ToString("N")[..20],
        ["object"] = "invoice",
        ["customer"] = customerId,
        ["status"] = status,
        ["amount_due"] = amount,
        ["currency"] = "usd",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId, ["metadata"] = new JsonObject() },
        },
    };

    /// <summary>The <c>Stripe-Signature</c> header Stripe would send for <paramref name="payload"/> at <paramref name="at"/>.</summary>
    public static string Sign(string payload, DateTimeOffset at, string secret = WebhookSecret)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Posts a signed delivery to <paramref name="webhook"/> like Stripe does.</summary>
    public static async Task<HttpResponseMessage> DeliverAsync(HttpClient client, string webhook, string payload, string? signature)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        request.Headers.UserAgent.ParseAdd("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        return await client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static JsonObject ErrorBody(string type, string code, string message) =>
        new() { ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message } };

    private static IResult Error(int status, string type, string code, string message) =>
        Results.Json(ErrorBody(type, code, message), statusCode: status);

    private static IResult Missing(string what, string id) =>
        Error(404, "invalid_request_error", "resource_missing", $"No such {what}: '{id}'");

    private static JsonObject ItemJson(FakeSubscription sub) => new()
    {
        ["id"] = sub.ItemId,
        ["object"] = "subscription_item",
        ["quantity"] = sub.Quantity,
        ["subscription"] = sub.Id,
        ["current_period_start"] = sub.PeriodEnd - (30 * 86400),
        ["current_period_end"] = sub.PeriodEnd,
        ["price"] = new JsonObject
        {
            ["id"] = sub.PriceId,
            ["object"] = "price",
            ["currency"] = "usd",
            ["unit_amount"] = UnitAmount,
            ["recurring"] = new JsonObject { ["interval"] = sub.PriceId.Contains("annual", StringComparison.Ordinal) ? "year" : "month", ["interval_count"] = 1 },
        },
    };

    private string NewId(string prefix) => $"{prefix}_{Interlocked.Increment(ref _counter):D6}{Guid.NewGuid().ToString("N")[..10]}";

    private async Task GuardAsync(HttpContext ctx, RequestDelegate next)
    {
        var path = ctx.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            await next(ctx);
            return;
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ctx.Request.HasFormContentType)
        {
            foreach (var (k, v) in await ctx.Request.ReadFormAsync())
            {
                form[k] = v.ToString();
            }
        }

        ctx.Items["form"] = form;
        var key = ctx.Request.Headers["Idempotency-Key"].FirstOrDefault();
        int status;
        if (ctx.Request.Headers.Authorization.ToString() != "Bearer " + SecretKey)
        {
            status = 401;
            await Error(401, "invalid_request_error", "api_key_invalid", "Invalid API Key provided.").ExecuteAsync(ctx);
        }
        else if (TakeFailure(path) is { } failure)
        {
            status = failure.Status;
            await Error(failure.Status, failure.Status == 429 ? "invalid_request_error" : "api_error", failure.Code, "Scripted failure.").ExecuteAsync(ctx);
        }
        else
        {
            await next(ctx);
            status = ctx.Response.StatusCode;
        }

        _requests.Enqueue(new FakeStripeRequest(ctx.Request.Method, path, form, key, status));
    }

    private (string Prefix, int Status, string Code)? TakeFailure(string path)
    {
        lock (_gate)
        {
            var all = _failures.ToArray();
            var index = Array.FindIndex(all, f => path.StartsWith(f.Prefix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            _failures.Clear();
            for (var i = 0; i < all.Length; i++)
            {
                if (i != index)
                {
                    _failures.Enqueue(all[i]);
                }
            }

            return all[index];
        }
    }

    private static IReadOnlyDictionary<string, string> Form(HttpContext ctx) => (Dictionary<string, string>)ctx.Items["form"]!;

    private Task<IResult> CreateCustomerAsync(HttpContext ctx)
    {
        var id = NewId("cus");
        _customers[id] = Form(ctx).GetValueOrDefault("email") ?? string.Empty;
        return Task.FromResult(Results.Json(new JsonObject { ["id"] = id, ["object"] = "customer", ["email"] = _customers[id] }));
    }

    private Task<IResult> CreateCheckoutAsync(HttpContext ctx)
    {
        var f = Form(ctx);
        if (!f.TryGetValue("line_items[0][price]", out var price) || !f.TryGetValue("success_url", out var success))
        {
            return Task.FromResult(Error(400, "invalid_request_error", "parameter_missing", "Missing required param: line_items."));
        }

        var id = NewId("cs_test");
        var metadata = new JsonObject();
        foreach (var (k, v) in f.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal)))
        {
            metadata[k[9..^1]] = v;
        }

        var session = new JsonObject
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["mode"] = f.GetValueOrDefault("mode"),
            ["status"] = "open",
            ["customer"] = f.GetValueOrDefault("customer"),
            ["customer_email"] = f.GetValueOrDefault("customer_email"),
            ["client_reference_id"] = f.GetValueOrDefault("client_reference_id"),
            ["subscription"] = null,
            ["metadata"] = metadata,
            ["success_url"] = success,
            ["cancel_url"] = f.GetValueOrDefault("cancel_url"),
            ["url"] = $"{ApiBase}/checkout/{id}",
            ["x_price"] = price,
            ["x_quantity"] = long.Parse(f.GetValueOrDefault("line_items[0][quantity]") ?? "1", CultureInfo.InvariantCulture),
            ["x_trial_days"] = f.TryGetValue("subscription_data[trial_period_days]", out var trial) ? long.Parse(trial, CultureInfo.InvariantCulture) : 0,
        };
        _sessions[id] = session;
        return Task.FromResult(Results.Json(Public(session)));
    }

    private static JsonObject Public(JsonObject session)
    {
        var copy = (JsonObject)session.DeepClone();
        foreach (var key in copy.Select(p => p.Key).Where(k => k.StartsWith("x_", StringComparison.Ordinal)).ToList())
        {
            copy.Remove(key);
        }

        return copy;
    }

    private IResult GetCheckout(string id) =>
        _sessions.TryGetValue(id, out var session) ? Results.Json(Public(session)) : Missing("checkout.session", id);

    /// <summary>The hosted Checkout page: "pays" at once, then redirects to <c>success_url</c> with the session id.</summary>
    private async Task<IResult> HostedCheckoutAsync(string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            return Results.NotFound();
        }

        FakeSubscription sub;
        lock (_gate)
        {
            if (session["subscription"]?.GetValue<string>() is { } existing)
            {
                sub = _subscriptions[existing];
            }
            else
            {
                var customer = session["customer"]?.GetValue<string>() ?? NewId("cus");
                _customers.TryAdd(customer, session["customer_email"]?.GetValue<string>() ?? string.Empty);
                var trialDays = session["x_trial_days"]!.GetValue<long>();
                var metadata = session["metadata"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
                sub = new FakeSubscription
                {
                    Id = NewId("sub"),
                    CustomerId = customer,
                    ItemId = NewId("si"),
                    PriceId = session["x_price"]!.GetValue<string>(),
                    Status = trialDays > 0 ? "trialing" : "active",
                    Quantity = session["x_quantity"]!.GetValue<long>(),
                    TrialEnd = trialDays > 0 ? DateTimeOffset.UtcNow.AddDays(trialDays).ToUnixTimeSeconds() : null,
                    PeriodEnd = DateTimeOffset.UtcNow.AddDays(trialDays > 0 ? trialDays : 30).ToUnixTimeSeconds(),
                    Metadata = metadata,
                };
                _subscriptions[sub.Id] = sub;
                session["customer"] = customer;
                session["subscription"] = sub.Id;
                session["status"] = "complete";
            }
        }

        if (WebhookTarget is { } target)
        {
            using var client = new HttpClient();
            var now = DateTimeOffset.UtcNow;
            foreach (var (type, data) in new[] { ("checkout.session.completed", Public(session)), ("customer.subscription.created", SubscriptionJson(sub)) })
            {
                var (_, json) = Event(type, data, now);
                using var _ = await DeliverAsync(client, target.ToString(), json, Sign(json, now));
            }
        }

        var success = session["success_url"]!.GetValue<string>().Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal);
        return Results.Redirect(success);
    }

    private Task<IResult> CreatePortalAsync(HttpContext ctx)
    {
        var f = Form(ctx);
        var customer = f.GetValueOrDefault("customer");
        if (customer is null || !_customers.ContainsKey(customer))
        {
            return Task.FromResult(Missing("customer", customer ?? string.Empty));
        }

        var id = NewId("bps");
        _portals[id] = f.GetValueOrDefault("return_url") ?? "/";
        return Task.FromResult(Results.Json(new JsonObject
        {
            ["id"] = id,
            ["object"] = "billing_portal.session",
            ["customer"] = customer,
            ["return_url"] = _portals[id],
            ["url"] = $"{ApiBase}/portal/{id}",
        }));
    }

    private IResult SubscriptionResult(string id) =>
        _subscriptions.TryGetValue(id, out var sub) ? Results.Json(SubscriptionJson(sub)) : Missing("subscription", id);

    private Task<IResult> UpdateSubscriptionAsync(string id, HttpContext ctx)
    {
        if (!_subscriptions.TryGetValue(id, out var sub))
        {
            return Task.FromResult(Missing("subscription", id));
        }

        var f = Form(ctx);
        lock (_gate)
        {
            if (f.TryGetValue("items[0][quantity]", out var q))
            {
                sub.Quantity = long.Parse(q, CultureInfo.InvariantCulture);
            }

            if (f.TryGetValue("cancel_at_period_end", out var c))
            {
                sub.CancelAtPeriodEnd = c == "true";
            }
        }

        return Task.FromResult(Results.Json(SubscriptionJson(sub)));
    }

    private Task<IResult> UpdateItemAsync(string id, HttpContext ctx)
    {
        var sub = _subscriptions.Values.FirstOrDefault(s => s.ItemId == id);
        if (sub is null)
        {
            return Task.FromResult(Missing("subscription_item", id));
        }

        var f = Form(ctx);
        if (!f.TryGetValue("quantity", out var q) || !long.TryParse(q, CultureInfo.InvariantCulture, out var quantity) || quantity < 0)
        {
            return Task.FromResult(Error(400, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: quantity"));
        }

        lock (_gate)
        {
            sub.Quantity = quantity;
        }

        return Task.FromResult(Results.Json(ItemJson(sub)));
    }

    private IResult ListInvoices(HttpContext ctx)
    {
        var customer = ctx.Request.Query["customer"].ToString();
        var data = new JsonArray();
        foreach (var sub in _subscriptions.Values.Where(s => s.CustomerId == customer && s.Status is "active" or "past_due"))
        {
            var invoice = InvoiceJson(customer, sub.Id, "paid", sub.Quantity * UnitAmount);
            invoice["number"] = "FAKE-0001";
            invoice["hosted_invoice_url"] = $"{ApiBase}/invoice/{invoice["id"]}";
            invoice["invoice_pdf"] = $"{ApiBase}/invoice/{invoice["id"]}.pdf";
            data.Add(invoice);
        }

        return Results.Json(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false, ["url"] = "/v1/invoices" });
    }

    private Task<IResult> PreviewInvoiceAsync(HttpContext ctx)
    {
        var f = Form(ctx);
        var sub = f.GetValueOrDefault("subscription") is { } id ? _subscriptions.GetValueOrDefault(id) : null;
        if (sub is null)
        {
            return Task.FromResult(Error(400, "invalid_request_error", "invoice_upcoming_none", "No upcoming invoices for customer."));
        }

        var preview = InvoiceJson(sub.CustomerId, sub.Id, "draft", sub.Quantity * UnitAmount);
        preview.Remove("id");
        preview["next_payment_attempt"] = sub.PeriodEnd;
        return Task.FromResult(Results.Json(preview));
    }
}
