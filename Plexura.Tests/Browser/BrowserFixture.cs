using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Plexura.Tests.Web;

namespace Plexura.Tests.Browser;

/// <summary>The app on real Kestrel (a free port) and one headless Debian Chromium for the test class.</summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private PlexuraWebFactory? _factory;
    private IBrowser? _browser;

    public PlexuraWebFactory Factory => _factory ??= CreateFactory();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialized.");

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// The port Kestrel listens on: 0 (the default) for any free one; a fixture that must know the address before the app
    /// starts (to configure <c>Plexura:App:BaseUrl</c>, which Stripe's return links use) sets one from <see cref="FreePort"/>.
    /// </summary>
    protected int KestrelPort { get; set; }

    public virtual async Task InitializeAsync()
    {
        // Every browser test shares two cores with the rest of a full run: an expectation waits up to 15 s, not 5.
        Assertions.SetDefaultExpectTimeout(15_000);
        Factory.UseKestrel(KestrelPort);
        Factory.StartServer();
        // "localhost" rather than the bound 127.0.0.1: browsers treat localhost as a secure origin, so the Secure,
        // __Host- sign-in cookie works over plain HTTP in tests as it does in development.
        BaseAddress = new UriBuilder(Factory.ServerAddress) { Host = "localhost" }.Uri;

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", .. ChromiumArguments()],
        });
    }

    /// <summary>
    /// A new browser context whose actions and navigations wait up to a minute, not Playwright's 30 s: a flow shares two
    /// cores with another, and a stalled moment must not fail it. Expectations keep their own 15 s.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null) => NewContextAsync(Browser, options);

    /// <inheritdoc cref="NewContextAsync(BrowserNewContextOptions?)"/>
    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, BrowserNewContextOptions? options = null)
    {
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return context;
    }

    /// <summary>A new page of <paramref name="context"/> whose visits <see cref="PageGate"/> tracks.</summary>
    public static async Task<IPage> NewPageAsync(IBrowserContext context) => PageGate.Track(await context.NewPageAsync());

    public virtual async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Factory.DisposeAsync();
    }

    /// <summary>A loopback port free right now, for <see cref="KestrelPort"/>.</summary>
    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Command-line switches Chromium gets besides the usual ones (a fake microphone, for example).</summary>
    protected virtual IEnumerable<string> ChromiumArguments() => [];

    /// <summary>The app under test; override to change its settings.</summary>
    protected virtual PlexuraWebFactory CreateFactory() => new();

    /// <summary>Debian's Chromium; never a browser downloaded by <c>playwright install</c>.</summary>
    private static string ChromiumPath()
    {
        const string Debian = "/usr/lib/chromium/chromium";
        if (File.Exists(Debian))
        {
            return Debian;
        }

        using var which = Process.Start(new ProcessStartInfo("sh", ["-c", "readlink -f \"$(command -v chromium)\""]) { RedirectStandardOutput = true })!;
        var resolved = which.StandardOutput.ReadToEnd().Trim();
        which.WaitForExit();
        return File.Exists(resolved) ? resolved : throw new InvalidOperationException("Chromium not found: install Debian's chromium package.");
    }
}
