using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Plexura.Core.Identity;
using Plexura.Core.Identity.SignUp;
using Plexura.Core.Users;

namespace Plexura.Bench;

/// <summary>
/// Memory held per idle Blazor circuit: the real app on Kestrel, a signed-in member, N headless Chromium tabs on
/// <c>/clients</c>, each waited for until its circuit is interactive; then a forced full collection in the server
/// process (the bench hosts the app) and the managed heap and RSS compared with one open circuit.
/// </summary>
/// <remarks>
/// RSS is the bench process only: Chromium and the Playwright driver are separate processes. The managed figure is
/// what a circuit holds (its component tree, scoped services, render batches, SignalR buffers); RSS also moves with
/// the GC's segment reservations, so it is noisier.
/// </remarks>
internal sealed class CircuitMemoryBenchmarks(BenchOptions options)
{
    private const string Password = "Violet-Harbor-73!";
    private const int Batch = 10;

    public async Task RunAsync()
    {
        await using var app = new BenchApp(new Dictionary<string, string?>());
        var address = app.Start();
        // Browsers treat localhost as a secure origin, so the Secure __Host- cookie works over plain HTTP.
        var origin = new UriBuilder(address) { Host = "localhost" }.Uri;
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await SignUpVerifiedAsync(app.Services, email);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/lib/chromium/chromium",
            Headless = true,
            Args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--renderer-process-limit=8"],
        });
        await using var context = await browser.NewContextAsync(new() { BaseURL = origin.ToString() });
        await SignInInBrowserAsync(context, email);

        // One circuit first, so JIT, caches and the first render's one-off allocations are in the baseline.
        await OpenAsync(context);
        var (heapBefore, rssBefore) = Measure();
        var stopwatch = Stopwatch.StartNew();
        // A second point after the first batch: the difference from there is the marginal cost of a circuit, without
        // the one-off warm-up (tiered JIT, DI call sites compiled to IL, pools) that the first circuits pay.
        long heapWarm = 0, rssWarm = 0;
        for (var opened = 0; opened < options.Circuits; opened += Batch)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(Batch, options.Circuits - opened)).Select(_ => OpenAsync(context)));
            if (opened == 0 && options.Circuits > Batch)
            {
                (heapWarm, rssWarm) = Measure();
            }
        }

        var (heapAfter, rssAfter) = Measure();
        Console.WriteLine($"Opened {options.Circuits} circuits on /clients in {stopwatch.Elapsed.TotalSeconds:F1} s.");
        Console.WriteLine($"Managed heap after a forced full GC: {heapBefore / 1024:N0} KB -> {heapAfter / 1024:N0} KB  " +
                          $"= {(heapAfter - heapBefore) / 1024.0 / options.Circuits:N0} KB per circuit");
        Console.WriteLine($"Process RSS:                       {rssBefore / 1024:N0} KB -> {rssAfter / 1024:N0} KB  " +
                          $"= {(rssAfter - rssBefore) / 1024.0 / options.Circuits:N0} KB per circuit");
        if (heapWarm > 0)
        {
            var later = options.Circuits - Batch;
            Console.WriteLine($"Marginal, past the first {Batch}:     heap {(heapAfter - heapWarm) / 1024.0 / later:N0} KB, " +
                              $"RSS {(rssAfter - rssWarm) / 1024.0 / later:N0} KB per circuit");
        }

        // Diagnostics: PLEXURA_BENCH_HOLD=1 keeps the circuits open until Enter is pressed, so a heap dump can be taken
        // of this process (bench/README.md).
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PLEXURA_BENCH_HOLD")))
        {
            Console.WriteLine($"HOLD pid {Environment.ProcessId}: press Enter to close the circuits.");
            await Console.In.ReadLineAsync();
        }
    }

    private static async Task OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/clients");
        if (new Uri(page.Url).AbsolutePath != "/clients")
        {
            throw new InvalidOperationException($"The benchmark member was sent to {new Uri(page.Url).AbsolutePath} instead of /clients.");
        }

        // The layout's buttons are disabled until the circuit is connected and interactive.
        await page.WaitForSelectorAsync("#theme-toggle:not([disabled])", new() { Timeout = 60_000 });
    }

    /// <summary>Signs in through the real form, so the tabs share the HttpOnly __Host- cookie as a person's would.</summary>
    private static async Task SignInInBrowserAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/sign-in");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#sign-in-submit");
        await page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal), new() { Timeout = 60_000 });
        await page.CloseAsync();
    }

    private static (long Heap, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static async Task SignUpVerifiedAsync(IServiceProvider services, string email)
    {
        await using var scope = services.CreateAsyncScope();
        var signUp = await scope.ServiceProvider.GetRequiredService<SignUpHandler>()
            .HandleAsync(new SignUpCommand("Riverbend Counseling", "Dana Reyes", email, Password), ClientInfo.Unknown, CancellationToken.None);
        var users = scope.ServiceProvider.GetRequiredService<IUserRepository>();
        var user = await users.GetAsync(signUp.UserId, CancellationToken.None);
        await users.UpdateAsync(user! with { EmailVerifiedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
    }
}
