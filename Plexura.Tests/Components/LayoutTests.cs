using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Extensions;
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
        var home = Assert.Single(cut.FindAll("a.mud-nav-link"));
        Assert.Equal("/", home.GetAttribute("href"));
        Assert.Contains("Home", home.TextContent, StringComparison.Ordinal);
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
    public void DarkModeToggle_Clicked_SwitchesThemeAndButton()
    {
        var cut = RenderLayout();
        var lightStyles = ThemeStyles(cut);
        Assert.False(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));
        Assert.Equal("Switch to dark mode", cut.Find("#theme-toggle").GetAttribute("aria-label"));

        cut.Find("#theme-toggle").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));
            Assert.NotEqual(lightStyles, ThemeStyles(cut));
            Assert.Equal("Switch to light mode", cut.Find("#theme-toggle").GetAttribute("aria-label"));
            Assert.Equal("true", cut.Find("#theme-toggle").GetAttribute("aria-pressed"));
        });
    }

    [Fact]
    public void DarkMode_RememberedByTheBrowser_StartsDarkAndTogglingRemembersLight()
    {
        var theme = Context.JSInterop.SetupModule("./js/theme.js");
        theme.SetupVoid("remember", _ => true);
        var cut = Context.Render<MainLayout>(parameters => parameters
            .Add(layout => layout.Body, (RenderFragment)(_ => { }))
            .Add(layout => layout.RememberedDarkMode, true));
        Assert.True(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode));

        cut.Find("#theme-toggle").Click();

        cut.WaitForAssertion(() => Assert.False(cut.FindComponent<MudThemeProvider>().Instance.GetState(x => x.IsDarkMode)));
        Assert.Equal(false, theme.VerifyInvoke("remember").Arguments[0]);
    }

    [Fact]
    public void DrawerToggle_Clicked_FlipsDrawer()
    {
        // The drawer is responsive: whether it starts open depends on the (here unknown) screen width.
        var cut = RenderLayout();
        var wasOpen = cut.Find(".mud-drawer").ClassList.Contains("mud-drawer--open");

        cut.Find("button[aria-label='Toggle navigation']").Click();

        cut.WaitForAssertion(() => Assert.Contains(
            wasOpen ? "mud-drawer--closed" : "mud-drawer--open", cut.Find(".mud-drawer").ClassList));
    }

    private static string ThemeStyles(IRenderedComponent<MainLayout> cut) =>
        string.Concat(cut.FindAll("style").Select(style => style.TextContent));

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
