using Microsoft.Playwright;

namespace Plexura.Tests.Browser;

/// <summary>Page object for the app shell: app bar, theme toggle and navigation.</summary>
public sealed class ShellPage(IPage page)
{
    public ILocator Title => page.Locator(".mud-appbar h6");

    /// <summary>Disabled until the Blazor circuit is interactive, so Playwright's actionability wait is the readiness wait.</summary>
    public ILocator ThemeToggle => page.Locator("#theme-toggle");

    /// <summary>Opens and closes the navigation drawer (wwwroot/js/shell.js), with or without a circuit.</summary>
    public ILocator NavToggle => page.Locator("#nav-toggle");

    public ILocator HomeLink => page.GetByRole(AriaRole.Link, new() { Name = "Home" });

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public async Task GotoAsync(Uri baseAddress, string path = "/")
    {
        await page.GotoAsync(new Uri(baseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        await PageGate.CheckAsync(page);
    }

    /// <summary>Switches the theme and waits until the interactive layout has re-rendered in the new mode.</summary>
    public async Task ToggleDarkModeAsync()
    {
        var before = await ThemeToggle.GetAttributeAsync("aria-pressed");
        await ThemeToggle.ClickAsync();
        await Assertions.Expect(ThemeToggle).Not.ToHaveAttributeAsync("aria-pressed", before ?? string.Empty);
    }
}
