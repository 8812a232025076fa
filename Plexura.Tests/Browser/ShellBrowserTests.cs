using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Plexura.Tests.Browser;

public sealed class ShellBrowserTests(ShellBrowserTests.Fixture fixture) : IClassFixture<ShellBrowserTests.Fixture>
{
    private const string ViolationScript = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
        """;

    [Fact]
    public async Task HomePage_Interactive_TogglesDarkModeWithoutCspViolations()
    {
        await using var context = await fixture.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        await context.AddInitScriptAsync(ViolationScript);
        var page = await BrowserFixture.NewPageAsync(context);
        var problems = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        var shell = new ShellPage(page);

        await shell.GotoAsync(fixture.BaseAddress);
        await Assertions.Expect(shell.Title).ToHaveTextAsync("Plexura");
        await Assertions.Expect(shell.Heading).ToHaveTextAsync("Plexura");
        await Assertions.Expect(shell.HomeLink).ToBeVisibleAsync();
        await shell.ToggleDarkModeAsync();
        await Assertions.Expect(shell.ThemeToggle).ToHaveAttributeAsync("aria-label", "Switch to light mode");
        var screenshot = await SaveScreenshotAsync(page, "shell.png");

        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.Empty(violations);
        Assert.Empty(problems);
        Assert.DoesNotContain(fixture.Factory.Logs, line => line.Contains("CSP violation", StringComparison.Ordinal));
        Assert.True(new FileInfo(screenshot).Length > 0);
    }

    [Fact]
    public async Task NavDrawer_AtPhoneWidth_OpensOverThePageAndClosesAfterNavigation()
    {
        await using var context = await fixture.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var page = await BrowserFixture.NewPageAsync(context);
        var shell = new ShellPage(page);
        await shell.GotoAsync(fixture.BaseAddress, "/no-such-page");
        var home = page.Locator("#nav-drawer a[href='/']");

        await Assertions.Expect(home).Not.ToBeVisibleAsync();
        await Assertions.Expect(shell.NavToggle).ToHaveAttributeAsync("aria-expanded", "false");
        await shell.NavToggle.ClickAsync();
        await Assertions.Expect(home).ToBeVisibleAsync();
        await Assertions.Expect(shell.NavToggle).ToHaveAttributeAsync("aria-expanded", "true");
        await PageGate.CheckAsync(page);

        await home.ClickAsync();

        await page.WaitForURLAsync(new Uri(fixture.BaseAddress, "/").ToString());
        await Assertions.Expect(home).Not.ToBeVisibleAsync();
        await Assertions.Expect(shell.NavToggle).ToHaveAttributeAsync("aria-expanded", "false");
        await shell.NavToggle.ClickAsync();
        await Assertions.Expect(home).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(home).Not.ToBeVisibleAsync();
        await Assertions.Expect(shell.NavToggle).ToBeFocusedAsync();
        await PageGate.CheckAsync(page);
    }

    [Fact]
    public async Task NavDrawer_AtDesktopWidth_StartsOpenAndTheToggleClosesIt()
    {
        await using var context = await fixture.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await BrowserFixture.NewPageAsync(context);
        var shell = new ShellPage(page);
        await shell.GotoAsync(fixture.BaseAddress, "/no-such-page");
        var home = page.Locator("#nav-drawer a[href='/']");

        await Assertions.Expect(home).ToBeVisibleAsync();
        await Assertions.Expect(shell.NavToggle).ToHaveAttributeAsync("aria-expanded", "true");
        var main = page.Locator("main#main-content");
        Assert.True((await main.BoundingBoxAsync())!.X >= 200, "The page sits beside the open drawer.");

        await shell.NavToggle.ClickAsync();

        await Assertions.Expect(home).Not.ToBeVisibleAsync();
        await Assertions.Expect(shell.NavToggle).ToHaveAttributeAsync("aria-expanded", "false");
        await page.WaitForFunctionAsync("() => document.querySelector('main').getBoundingClientRect().x < 50");
    }

    [Fact]
    public async Task SkipLink_FocusedThenEnter_ShowsItselfAndMovesFocusIntoMainOnTheSamePage()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.NewPageAsync(context);
        var shell = new ShellPage(page);
        await shell.GotoAsync(fixture.BaseAddress, "/no-such-page");
        await PageGate.AssertEveryVisitedPageCheckedAsync(page);

        // Loaded again without the gate, which leaves focus on the theme toggle it clicked.
        await page.ReloadAsync();
        await Assertions.Expect(shell.ThemeToggle).ToBeEnabledAsync();

        // FocusOnNavigate has put focus on the h1, so the skip link (the first focusable element, see LayoutTests) is
        // focused directly, as Shift+Tab from the top of the page would.
        var skip = page.Locator("#skip-link");
        await skip.FocusAsync();
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("main#main-content")).ToBeFocusedAsync();
        Assert.Equal("/no-such-page", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(shell.Heading).ToHaveTextAsync("Page not found");
    }

    [Fact]
    public async Task UnknownPage_Opened_ShowsNotFoundInsideShell()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await BrowserFixture.NewPageAsync(context);
        var shell = new ShellPage(page);

        var response = await page.GotoAsync(new Uri(fixture.BaseAddress, "/no-such-page").ToString());

        Assert.Equal(404, response?.Status);
        await Assertions.Expect(shell.Heading).ToHaveTextAsync("Page not found");
        await Assertions.Expect(shell.Title).ToHaveTextAsync("Plexura");
        await PageGate.CheckAsync(page);
        await PageGate.AssertEveryVisitedPageCheckedAsync(page);
    }

    private static async Task<string> SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    public sealed class Fixture : BrowserFixture;
}
