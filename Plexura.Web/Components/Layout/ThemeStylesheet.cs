using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;

namespace Plexura.Web.Components.Layout;

/// <summary>
/// The theme's CSS variables (<see cref="PlexuraTheme"/>, light and dark) as one static stylesheet, built once per
/// process and served at <see cref="Path"/>, instead of a <c>MudThemeProvider</c> in every circuit: the provider kept
/// 23 KB of CSS in each circuit's render tree (bench/README.md, circuits).
/// </summary>
/// <remarks>
/// The CSS is what <c>MudThemeProvider</c> itself renders for the theme, so the colours cannot drift from MudBlazor's
/// variable names. The light variables apply to <c>:root</c>; the dark ones to <c>:root.plx-dark</c>, the class App.razor
/// puts on <c>&lt;html&gt;</c> from the theme cookie and wwwroot/js/theme.js switches in the browser.
/// </remarks>
public sealed partial class ThemeStylesheet(IServiceProvider services, ILoggerFactory loggerFactory)
{
    /// <summary>Where the stylesheet is served (with <c>?v=</c> and the content's hash, so it can be cached for good).</summary>
    public const string Path = "/theme.css";

    /// <summary>The class on <c>&lt;html&gt;</c> that selects the dark palette.</summary>
    public const string DarkClass = "plx-dark";

    private readonly Lazy<Task<Built>> _built = new(() => BuildAsync(services, loggerFactory));

    /// <summary>The stylesheet's text.</summary>
    public async Task<string> GetCssAsync() => (await _built.Value).Css;

    /// <summary>The address to link, versioned by the content.</summary>
    public async Task<string> GetHrefAsync() => (await _built.Value).Href;

    private static async Task<Built> BuildAsync(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(new WithoutJavaScript(scope.ServiceProvider), loggerFactory);
        var light = await RenderAsync(renderer, dark: false);
        var dark = await RenderAsync(renderer, dark: true);
        var css = new StringBuilder()
            .AppendLine("/* Generated from PlexuraTheme by MudThemeProvider (Components/Layout/ThemeStylesheet.cs). */")
            .AppendLine(light)
            .AppendLine(RootSelector().Replace(dark, ":root." + DarkClass))
            .ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(css)))[..16];
        return new Built(css, $"{Path}?v={hash}");
    }

    private static Task<string> RenderAsync(HtmlRenderer renderer, bool dark) => renderer.Dispatcher.InvokeAsync(async () =>
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(MudThemeProvider.Theme)] = PlexuraTheme.Shared,
            [nameof(MudThemeProvider.IsDarkMode)] = dark,
        });
        var output = await renderer.RenderComponentAsync<MudThemeProvider>(parameters);
        var html = output.ToHtmlString();
        return string.Join(Environment.NewLine, StyleElement().Matches(html).Select(match => match.Groups[1].Value.Trim()));
    });

    [GeneratedRegex("<style[^>]*>(.*?)</style>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@":root\b", RegexOptions.CultureInvariant)]
    private static partial Regex RootSelector();

    private sealed record Built(string Css, string Href);

    /// <summary>The scope's services, with a JS runtime that does nothing: the provider is rendered to text, never run.</summary>
    private sealed class WithoutJavaScript(IServiceProvider inner) : IServiceProvider, IJSRuntime
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IJSRuntime) ? this : inner.GetService(serviceType);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            ValueTask.FromResult(default(TValue)!);
    }
}

/// <summary>Maps <see cref="ThemeStylesheet.Path"/>.</summary>
public static class ThemeStylesheetEndpoint
{
    /// <summary>Serves the theme's stylesheet to anyone (it holds colours only), cacheable for a year.</summary>
    public static IEndpointRouteBuilder MapThemeStylesheet(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ThemeStylesheet.Path, async (HttpContext context, ThemeStylesheet stylesheet) =>
        {
            var css = await stylesheet.GetCssAsync();
            // The address carries the content's hash (GetHrefAsync), so a changed theme is a new address.
            context.Response.Headers.CacheControl = context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
            return Results.Text(css, "text/css", Encoding.UTF8);
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
