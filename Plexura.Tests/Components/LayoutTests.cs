using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using MudBlazor.Utilities;
using Plexura.Web.Components.Layout;

namespace Plexura.Tests.Components;

public sealed class LayoutTests : MudComponentTestBase
{
    [Fact]
    public void MainLayout_Rendered_ShowsTitleBodyAndHomeLink()
    {
        var cut = RenderLayout();

        Assert.Equal("Plexura", cut.Find(".mud-appbar h6").TextContent.Trim());
        Assert.Equal("Page body", cut.Find("#body").TextContent);
        var home = Assert.Single(cut.FindAll("nav[aria-label='Main navigation'] a.mud-nav-link"));
        Assert.Equal("/", home.GetAttribute("href"));
        Assert.Contains("Home", home.TextContent, StringComparison.Ordinal);
        Assert.Equal("page", home.GetAttribute("aria-current"));
        Assert.Contains("active", home.ClassList);
    }

    [Fact]
    public void MainLayout_Rendered_HasOneMainLandmarkThatTheSkipLinkTargets()
    {
        var cut = RenderLayout();

        var main = Assert.Single(cut.FindAll("main"));
        Assert.Equal(MainLayout.MainId, main.Id);
        Assert.Equal("-1", main.GetAttribute("tabindex"));
        Assert.NotNull(main.QuerySelector("#body"));
        var skip = cut.Find("a#skip-link");
        Assert.Equal("Skip to main content", skip.TextContent.Trim());
        Assert.EndsWith("#" + MainLayout.MainId, skip.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("skip-link", cut.Find("a, button").Id);
    }

    [Fact]
    public void MainLayout_Rendered_HoldsNoMudBlazorShellComponents()
    {
        // Every component is held by every open circuit (bench/README.md, circuits): the shell is markup.
        var cut = RenderLayout();

        Assert.Empty(cut.FindComponents<MudThemeProvider>());
        Assert.Empty(cut.FindComponents<MudLayout>());
        Assert.Empty(cut.FindComponents<MudDrawer>());
        Assert.Empty(cut.FindComponents<MudIconButton>());
        Assert.Empty(cut.FindComponents<MudNavLink>());
        Assert.Empty(cut.FindComponents<MudIcon>());
    }

    [Fact]
    public void DarkModeToggle_Clicked_SwitchesThePageThenTheButton()
    {
        var theme = Context.JSInterop.SetupModule("./js/theme.js");
        theme.SetupVoid("remember", _ => true).SetVoidResult();
        var cut = RenderLayout();
        var lightIcon = cut.Find("#theme-toggle svg").InnerHtml;
        Assert.Equal("Switch to dark mode", cut.Find("#theme-toggle").GetAttribute("aria-label"));
        Assert.Equal("false", cut.Find("#theme-toggle").GetAttribute("aria-pressed"));

        cut.Find("#theme-toggle").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Switch to light mode", cut.Find("#theme-toggle").GetAttribute("aria-label"));
            Assert.Equal("true", cut.Find("#theme-toggle").GetAttribute("aria-pressed"));
            Assert.NotEqual(lightIcon, cut.Find("#theme-toggle svg").InnerHtml);
        });
        Assert.Equal(true, theme.VerifyInvoke("remember").Arguments[0]);
    }

    [Fact]
    public void DarkMode_RememberedByTheBrowser_StartsDarkAndTogglingRemembersLight()
    {
        var theme = Context.JSInterop.SetupModule("./js/theme.js");
        theme.SetupVoid("remember", _ => true).SetVoidResult();
        var cut = Context.Render<MainLayout>(parameters => parameters
            .Add(layout => layout.Body, (RenderFragment)(_ => { }))
            .Add(layout => layout.RememberedDarkMode, true));
        Assert.Equal("true", cut.Find("#theme-toggle").GetAttribute("aria-pressed"));

        cut.Find("#theme-toggle").Click();

        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("#theme-toggle").GetAttribute("aria-pressed")));
        Assert.Equal(false, theme.VerifyInvoke("remember").Arguments[0]);
    }

    [Fact]
    public void DrawerToggle_Rendered_ControlsTheDrawerWithTheMainNavigation()
    {
        // Opening and closing happen in the browser (wwwroot/js/shell.js; ShellBrowserTests), so the toggle works
        // before the circuit connects and on the static account pages too.
        var cut = RenderLayout();

        var toggle = cut.Find("button#nav-toggle");
        Assert.Equal("button", toggle.GetAttribute("type"));
        Assert.Equal("Toggle navigation", toggle.GetAttribute("aria-label"));
        Assert.Equal("nav-drawer", toggle.GetAttribute("aria-controls"));
        Assert.False(toggle.HasAttribute("disabled"));
        Assert.NotNull(cut.Find("#nav-drawer").QuerySelector("nav[aria-label='Main navigation']"));
    }

    [Fact]
    public async Task ThemeStylesheet_Built_HasTheLightPaletteOnRootAndTheDarkOneUnderTheDarkClass()
    {
        var services = new ServiceCollection().AddLogging().AddMudServices().BuildServiceProvider();
        await using var _ = services;
        var stylesheet = new ThemeStylesheet(services, NullLoggerFactory.Instance);

        var css = await stylesheet.GetCssAsync();

        var dark = css.IndexOf(":root." + ThemeStylesheet.DarkClass, StringComparison.Ordinal);
        Assert.True(dark > 0, css);
        var theme = PlexuraTheme.Create();
        Assert.Equal(Rgb(theme.PaletteLight.Primary), Rgb(PrimaryIn(css[..dark])));
        Assert.Equal(Rgb(theme.PaletteDark.Primary), Rgb(PrimaryIn(css[dark..])));
        Assert.StartsWith(ThemeStylesheet.Path + "?v=", await stylesheet.GetHrefAsync(), StringComparison.Ordinal);
    }

    private static MudColor PrimaryIn(string css) =>
        new(Regex.Match(css, "--mud-palette-primary:\\s*([^;]+);").Groups[1].Value.Trim());

    private static (byte R, byte G, byte B) Rgb(MudColor color) => (color.R, color.G, color.B);

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Context.Render<MainLayout>(parameters => parameters.Add(
            layout => layout.Body,
            (RenderFragment)(builder =>
            {
                builder.OpenElement(0, "p");
                builder.AddAttribute(1, "id", "body");
                builder.AddContent(2, "Page body");
                builder.CloseElement();
            })));
}
