using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Auditing;
using Plexura.Core.Billing;
using Plexura.Core.Common;
using Plexura.Core.Practices;

namespace Plexura.Bench;

/// <summary>
/// stripe-webhooks: 1,000 signed deliveries of <c>customer.subscription.updated</c> events (700 distinct, 30% duplicates)
/// from two concurrent senders, each posting to its own app instance on Kestrel; both instances share one SQLite
/// file, as two production instances share one database. Then checks every event was applied exactly once.
/// </summary>
internal static class StripeWebhookBenchmarks
{
    private const string Secret = "whsec_bench";
    private const int Deliveries = 1000;
    private const int Distinct = 700;
    private const int Practices = 50;

    public static async Task RunAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Plexura:Billing:StripeSecretKey"] = "sk_test_bench",
            ["Plexura:Billing:StripeWebhookSecret"] = Secret,
            ["Plexura:Billing:StripePriceId"] = "price_bench",
            ["Plexura:Billing:StripeApiBase"] = "http://127.0.0.1:9",
        };
        await using var one = new BenchApp(settings);
        var shared = new Dictionary<string, string?>(settings)
        {
            ["Plexura:Storage:SqlitePath"] = Path.Combine(one.DataFolder, "plexura.db"),
        };
        var first = one.Start();
        await using var two = new BenchApp(shared.Concat(one.SharedKeys()).ToDictionary(p => p.Key, p => p.Value));
        var second = two.Start();

        var practices = one.Services.GetRequiredService<IPracticeRepository>();
        var ids = new List<PracticeId>();
        for (var i = 0; i < Practices; i++)
        {
            var id = PracticeId.New();
            await practices.AddAsync(id, new Practice(id, $"Bench {i}", DateTimeOffset.UtcNow), CancellationToken.None);
            ids.Add(id);
        }

        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(0, Distinct).Select(i =>
        {
            var practice = ids[i % Practices];
            var seats = 1 + (i / Practices);
            return Event(practice, $"sub_bench_{i % Practices:D3}", seats, t0.AddSeconds(i));
        }).ToList();
        var random = new Random(42);
        var deliveries = events.Select(e => e.Json).Concat(Enumerable.Range(0, Deliveries - Distinct).Select(_ => events[random.Next(Distinct)].Json))
            .OrderBy(_ => random.Next()).ToList();

        var latencies = new ConcurrentBag<long>();
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(
            SendAsync(first, deliveries.Where((_, i) => i % 2 == 0).ToList()),
            SendAsync(second, deliveries.Where((_, i) => i % 2 == 1).ToList()));
        clock.Stop();

        var store = one.Services.GetRequiredService<IStripeEventStore>();
        var applied = 0;
        foreach (var e in events)
        {
            applied += (await store.GetAsync(e.Id, CancellationToken.None))?.State == StripeEventState.Applied ? 1 : 0;
        }

        var audit = one.Services.GetRequiredService<IAuditStore>();
        var auditedTwice = 0;
        var wrongSeats = 0;
        var billings = one.Services.GetRequiredService<IPracticeBillingRepository>();
        for (var i = 0; i < Practices; i++)
        {
            var entries = await audit.QueryAsync(ids[i], new AuditQuery(Limit: 1000), CancellationToken.None);
            auditedTwice += entries.Where(e => e.Details.ContainsKey("source")).GroupBy(e => e.Details["source"]).Count(g => g.Count() > 1);
            var expected = 1 + ((Distinct - 1 - ((Distinct - 1 - i) % Practices)) / Practices);
            wrongSeats += (await billings.GetAsync(ids[i], CancellationToken.None))?.BilledSeats == expected ? 0 : 1;
        }

        var summary = LatencySummary.Of([.. latencies]);
        Console.WriteLine($"deliveries={Deliveries} distinct={Distinct} duplicates={Deliveries - Distinct} senders=2 instances=2 (one SQLite file)");
        Console.WriteLine($"outcomes: {string.Join(", ", outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}; non-200={failures}");
        Console.WriteLine($"exactly once: events applied={applied}/{Distinct}, events audited more than once={auditedTwice}, practices with a wrong final seat count={wrongSeats}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput={Deliveries / clock.Elapsed.TotalSeconds:F0} deliveries/s  latency p50={summary.P50Ms:F1} ms p95={summary.P95Ms:F1} ms p99={summary.P99Ms:F1} ms max={summary.MaxMs:F1} ms"));
        Console.WriteLine(applied == Distinct && auditedTwice == 0 && wrongSeats == 0 && failures == 0 ? "PASS" : "FAIL");

        async Task SendAsync(Uri app, List<string> payloads)
        {
            using var client = new HttpClient { BaseAddress = app };
            foreach (var payload in payloads)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(payload, DateTimeOffset.UtcNow));
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                latencies.Add(Stopwatch.GetTimestamp() - started);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }

                var outcome = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString() ?? "?";
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }
    }

    private static (string Id, string Json) Event(PracticeId practice, string subscription, int seats, DateTimeOffset created)
    {
        var id = "evt_" + Guid.NewGuid().ToString("N")[..24];
        var data = new JsonObject
        {
            ["id"] = subscription,
            ["object"] = "subscription",
            ["customer"] = "cus_" + subscription[4..],
            ["status"] = "active",
            ["cancel_at_period_end"] = false,
            ["metadata"] = new JsonObject { ["practice_id"] = practice.ToString() },
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_" + subscription[4..],
                    ["object"] = "subscription_item",
                    ["quantity"] = seats,
                    ["current_period_end"] = created.AddDays(30).ToUnixTimeSeconds(),
                    ["price"] = new JsonObject { ["id"] = "price_bench", ["object"] = "price", ["recurring"] = new JsonObject { ["interval"] = "month" } },
                }),
                ["has_more"] = false,
                ["url"] = "/v1/subscription_items",
            },
        };
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["type"] = BillingEventTypes.SubscriptionUpdated,
            ["livemode"] = false,
            ["data"] = new JsonObject { ["object"] = data },
        };
        return (id, json.ToJsonString());
    }

    private static string Sign(string payload, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{payload}")))}";
    }
}
