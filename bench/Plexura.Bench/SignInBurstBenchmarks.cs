using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Infrastructure.Identity;
using Plexura.Web.Security.Authentication;

namespace Plexura.Bench;

/// <summary>Latency of one kind of signed-in request during a phase.</summary>
/// <remarks>Latency counts 200 answers only; <see cref="FailureKinds"/> says what the others were.</remarks>
internal sealed record SignedInResult(string Phase, string Request, LatencySummary Latency, IReadOnlyDictionary<string, long> FailureKinds, double Seconds)
{
    public long Failures => FailureKinds.Values.Sum();

    public double Rate => Latency.Count / Seconds;
}

/// <summary>What the attackers of a phase got back. Keys of <see cref="Counts"/> are the answer kinds (401, 429 locked, ...).</summary>
internal sealed record AttackResult(
    string Phase,
    int Attackers,
    double Seconds,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyDictionary<string, long> RealUserCounts,
    long InFlightAtEnd,
    LatencySummary Latency,
    int MaxQueued,
    double CpuPercent)
{
    public long Attempts => Counts.Values.Sum();

    public double Rate => Attempts / Seconds;

    public long Count(string kind) => Counts.GetValueOrDefault(kind);
}

/// <summary>
/// Signed-in latency of the real app while a bounded burst of wrong-password sign-ins runs against it on loopback.
/// </summary>
/// <remarks>
/// <para>
/// Each phase signs up a fresh practice owner through the app's own <see cref="SignUpHandler"/>, takes a token from
/// <c>POST /api/v1/auth/token</c>, and then, for <see cref="BenchOptions.Duration"/> seconds, runs two signed-in clients
/// (<c>GET /api/v1/me</c> with the Bearer token; the <c>/practice/members</c> page with the sign-in cookie), each pausing
/// <see cref="BenchOptions.Think"/> ms between requests, next to a fixed number of attackers that post wrong passwords
/// back to back without honouring Retry-After. One attacker in four aims at the signed-in user's own email (so the
/// account locks after five failures); the others at random unknown emails, which cost a full dummy bcrypt check.
/// A colleague (another account) also signs in with the right password about once a second, to show what a real
/// sign-in costs during the burst: it waits in the same bcrypt queue as the guesses.
/// </para>
/// <para>
/// Everything runs in one process on one machine, so the clients' own CPU competes with the server's: that is a
/// pessimistic bias for the signed-in latency, not an optimistic one.
/// </para>
/// </remarks>
internal sealed class SignInBurstBenchmarks(BenchOptions options)
{
    private const string Password = "Violet-Harbor-73!";
    private const string MembersPage = "/practice/members";
    private const string DefaultLimitLabel = "default 10/min";

    // A colleague signing in (right password) during the burst, once per this many milliseconds at most.
    private const int SignInThink = 1_000;

    public async Task<(IReadOnlyList<SignedInResult> SignedIn, IReadOnlyList<AttackResult> Attacks)> RunAllAsync()
    {
        var signedIn = new List<SignedInResult>();
        var attacks = new List<AttackResult>();

        // A fresh app per phase: no per-IP window, lock or bcrypt queue carries over from the phase before.
        var raised = new Dictionary<string, string?> { ["Plexura:RateLimits:SignInPerMinute"] = $"{options.SignInPerMinute}" };
        var raisedLabel = $"limit {options.SignInPerMinute}/min";
        await RunPhaseAsync(raised, $"baseline, {raisedLabel}", attackers: 0, signedIn, attacks);
        foreach (var attackers in options.Attackers)
        {
            await RunPhaseAsync(raised, $"{attackers} attackers, {raisedLabel}", attackers, signedIn, attacks);
        }

        // The largest burst against the shipped per-IP limit: every loopback attacker shares one address.
        var largest = options.Attackers.Max();
        await RunPhaseAsync(new Dictionary<string, string?>(), $"{largest} attackers, {DefaultLimitLabel}", largest, signedIn, attacks);

        return (signedIn, attacks);
    }

    private async Task RunPhaseAsync(
        IReadOnlyDictionary<string, string?> settings, string phase, int attackers, List<SignedInResult> signedIn, List<AttackResult> attacks)
    {
        await using var app = new BenchApp(settings);
        var address = app.Start();
        var limiter = app.Services.GetRequiredService<PasswordHashingLimiter>();
        Console.WriteLine($"{phase}: {options.Duration} s on {address} (Production, bcrypt factor 12) ...");

        using var userClient = NewClient(address);
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await SignUpAsync(app.Services, email);
        var token = await SignInAsync(userClient, email);
        var me = MeRequest(token);
        var page = PageRequest(token);
        var colleague = $"colleague-{Guid.NewGuid():N}@example.com";
        await SignUpAsync(app.Services, colleague);
        var signIn = SignInRequest(colleague);

        // Warm-up, and proof that both requests really are signed in.
        foreach (var factory in new[] { me, page })
        {
            using var response = await userClient.SendAsync(factory());
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{phase}: a signed-in request answered {(int)response.StatusCode} before the burst.");
            }
        }

        using var attackClient = NewClient(address);
        using var stop = new CancellationTokenSource();
        var duration = TimeSpan.FromSeconds(options.Duration);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();

        var attack = new AttackTally();
        var attackLoops = Enumerable.Range(0, attackers)
            .Select(a => Task.Run(() => AttackAsync(attackClient, targetsUser: a % 4 == 0 ? email : null, attack, stop.Token)))
            .ToArray();
        var sampler = Task.Run(() => SampleQueueAsync(limiter, stop.Token));
        var meLoop = Task.Run(() => SignedInLoopAsync(userClient, me, options.Think, stopwatch, duration));
        var pageLoop = Task.Run(() => SignedInLoopAsync(userClient, page, options.Think, stopwatch, duration));
        var signInLoop = Task.Run(() => SignedInLoopAsync(userClient, signIn, SignInThink, stopwatch, duration));

        var (meTicks, meFailures, meSeconds) = await meLoop;
        var (pageTicks, pageFailures, pageSeconds) = await pageLoop;
        var (signInTicks, signInFailures, signInSeconds) = await signInLoop;
        stop.Cancel();
        await Task.WhenAll(attackLoops);
        var maxQueued = await sampler;
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        var meResult = new SignedInResult(phase, "GET /api/v1/me (Bearer)", LatencySummary.Of(meTicks), meFailures, meSeconds);
        var pageResult = new SignedInResult(phase, $"GET {MembersPage} (cookie)", LatencySummary.Of(pageTicks), pageFailures, pageSeconds);
        var signInResult = new SignedInResult(phase, "POST /api/v1/auth/token (right pw)", LatencySummary.Of(signInTicks), signInFailures, signInSeconds);
        signedIn.AddRange([meResult, pageResult, signInResult]);
        ResultTable.PrintLine(meResult);
        ResultTable.PrintLine(pageResult);
        ResultTable.PrintLine(signInResult);

        var result = new AttackResult(
            phase,
            attackers,
            seconds,
            new Dictionary<string, long>(attack.Counts),
            new Dictionary<string, long>(attack.RealUserCounts),
            attack.InFlightAtEnd,
            LatencySummary.Of(attack.Latencies),
            maxQueued,
            cpuSeconds * 100 / (seconds * Environment.ProcessorCount));
        attacks.Add(result);
        ResultTable.PrintLine(result);
        PrintLogLines(app);
    }

    /// <summary>Requests one after another until the phase ends; a request under way at the end completes.</summary>
    private static async Task<(List<long> Ticks, Dictionary<string, long> Failures, double Seconds)> SignedInLoopAsync(
        HttpClient client, Func<HttpRequestMessage> request, int think, Stopwatch phase, TimeSpan duration)
    {
        var ticks = new List<long>();
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        while (phase.Elapsed < duration)
        {
            var begun = Stopwatch.GetTimestamp();
            using (var response = await client.SendAsync(request()))
            {
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ticks.Add(Stopwatch.GetTimestamp() - begun);
                }
                else
                {
                    var kind = $"{(int)response.StatusCode}";
                    failures[kind] = failures.GetValueOrDefault(kind) + 1;
                }
            }

            if (think > 0)
            {
                await Task.Delay(think);
            }
        }

        return (ticks, failures, phase.Elapsed.TotalSeconds);
    }

    /// <summary>Wrong passwords back to back: for <paramref name="targetsUser"/>, or for a new unknown email each time.</summary>
    private static async Task AttackAsync(HttpClient client, string? targetsUser, AttackTally tally, CancellationToken stop)
    {
        var latencies = new List<long>();
        while (!stop.IsCancellationRequested)
        {
            var email = targetsUser ?? $"nobody-{Guid.NewGuid():N}@example.com";
            var begun = Stopwatch.GetTimestamp();
            string kind;
            try
            {
                using var response = await client.PostAsync(
                    "/api/v1/auth/token", JsonContent.Create(new { email, password = $"Guess-{Guid.NewGuid():N}" }), stop);
                var body = await response.Content.ReadAsStringAsync(stop);
                kind = (int)response.StatusCode switch
                {
                    429 when body.Contains("Account locked", StringComparison.Ordinal) => "429 locked",
                    429 => "429 limiter",
                    var status => $"{status}",
                };
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref tally.InFlightAtEnd);
                break;
            }
            catch (HttpRequestException)
            {
                kind = "error";
            }

            latencies.Add(Stopwatch.GetTimestamp() - begun);
            tally.Counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
            if (targetsUser is not null)
            {
                tally.RealUserCounts.AddOrUpdate(kind, 1, (_, n) => n + 1);
            }
        }

        lock (tally.Latencies)
        {
            tally.Latencies.AddRange(latencies);
        }
    }

    private static async Task<int> SampleQueueAsync(PasswordHashingLimiter limiter, CancellationToken stop)
    {
        var max = 0L;
        while (!stop.IsCancellationRequested)
        {
            max = Math.Max(max, limiter.Statistics?.CurrentQueuedCount ?? 0);
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (int)max;
    }

    private static async Task SignUpAsync(IServiceProvider services, string email)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SignUpHandler>()
            .HandleAsync(new SignUpCommand("Riverbend Counseling", "Dana Reyes", email, Password), ClientInfo.Unknown, CancellationToken.None);
    }

    private static async Task<string> SignInAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsync("/api/v1/auth/token", JsonContent.Create(new { email, password = Password }));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Sign-in of the benchmark user answered {(int)response.StatusCode}.");
        }

        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return json.RootElement.GetProperty("accessToken").GetString() ?? throw new InvalidOperationException("No access token.");
    }

    private static Func<HttpRequestMessage> SignInRequest(string email) => () =>
        new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token") { Content = JsonContent.Create(new { email, password = Password }) };

    private static Func<HttpRequestMessage> MeRequest(string token) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    };

    /// <remarks>The cookie is sent by hand: a <c>__Host-</c> cookie is never set over plain http, but the server reads it.</remarks>
    private static Func<HttpRequestMessage> PageRequest(string token) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, MembersPage);
        request.Headers.Add("Cookie", $"{AuthCookie.Name}={token}");
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    };

    private static HttpClient NewClient(Uri address) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static void PrintLogLines(BenchApp app) =>
        Console.WriteLine($"    app log lines: {string.Join(", ", app.LogLines.OrderBy(l => l.Key).Select(l => $"{l.Key} {l.Value:N0}"))}");

    private sealed class AttackTally
    {
        public readonly ConcurrentDictionary<string, long> Counts = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, long> RealUserCounts = new(StringComparer.Ordinal);
        public readonly List<long> Latencies = [];
        public long InFlightAtEnd;
    }
}
