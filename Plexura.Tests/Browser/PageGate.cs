using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace Plexura.Tests.Browser;

/// <summary>
/// The gate every page a browser flow visits passes: axe-core finds no serious or critical violation, in the light theme
/// and, on interactive pages (the static account forms have no dark theme), in the dark one too; and no element is wider
/// than the viewport, so at phone width nothing scrolls sideways.
/// </summary>
/// <remarks>
/// Page objects call <see cref="CheckAsync"/> after each navigation they make, and flows after each click that lands on
/// a new page or state; <see cref="Track"/> records every page the browser commits to, and
/// <see cref="AssertEveryVisitedPageCheckedAsync"/> fails a flow that visited a path the gate never saw, so a page added
/// later is covered by joining a flow.
/// </remarks>
public static class PageGate
{
    private static readonly string[] FailingImpacts = ["serious", "critical"];

    private static readonly ConditionalWeakTable<IPage, Visits> Tracked = new();

    private const string OverflowScript = """
        () => {
          const doc = document.documentElement;
          const width = doc.clientWidth;
          const found = [];
          if (doc.scrollWidth > width) found.push(`the page scrolls sideways (scrollWidth ${doc.scrollWidth} > clientWidth ${width})`);
          const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '');
          for (const el of document.body.querySelectorAll('*')) {
            // MudBlazor's click ripple grows past its button, which clips it, and is removed after its animation.
            if (el.classList.contains('mud-ripple-effect')) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
            const right = r.right + window.scrollX;
            if (r.width > width + 1 || right > width + 1) {
              found.push(`${describe(el)} spans ${Math.round(r.left + window.scrollX)}..${Math.round(right)} px`);
              if (found.length >= 12) break;
            }
          }
          return found;
        }
        """;

    /// <summary>Waits until there are no finite animations running (theme colors fade in over a transition).</summary>
    private const string AnimationsDoneScript = """
        () => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)
        """;

    /// <summary>Records the paths the page's main frame navigates to, for <see cref="AssertEveryVisitedPageCheckedAsync"/>.</summary>
    public static IPage Track(IPage page)
    {
        var visits = Tracked.GetValue(page, _ => new Visits());
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame && Uri.TryCreate(frame.Url, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http", StringComparison.Ordinal))
            {
                visits.Visited.TryAdd(url.AbsolutePath, 0);
            }
        };
        return page;
    }

    /// <summary>Runs the gate on the page as it is now shown; throws with every finding.</summary>
    public static async Task CheckAsync(IPage page)
    {
        var main = page.Locator("main#main-content");
        await Assertions.Expect(main).ToHaveCountAsync(1);
        await Assertions.Expect(main).Not.ToHaveAttributeAsync("data-render", "prerendered");
        await page.WaitForFunctionAsync(AnimationsDoneScript);

        var findings = new List<string>();
        findings.AddRange((await page.EvaluateAsync<string[]>(OverflowScript)).Select(f => $"[overflow] {f}"));
        var toggle = page.Locator("#theme-toggle");
        var dark = await toggle.GetAttributeAsync("aria-pressed") == "true";
        findings.AddRange(await AxeAsync(page, dark ? "dark" : "light"));

        if (await main.GetAttributeAsync("data-render") == "live")
        {
            // Clicking the theme toggle takes focus; give it back, so a flow can still check where the page put it.
            await using var focused = await page.EvaluateHandleAsync("() => document.activeElement");
            await SwitchThemeAsync(page, toggle, !dark);
            findings.AddRange(await AxeAsync(page, dark ? "light" : "dark"));
            await SwitchThemeAsync(page, toggle, dark);
            await page.EvaluateAsync("el => el?.focus?.({ preventScroll: true })", focused);
        }

        Tracked.GetValue(page, _ => new Visits()).Checked.TryAdd(new Uri(page.Url).AbsolutePath, 0);
        if (findings.Count > 0)
        {
            throw new XunitException($"The page gate failed on {new Uri(page.Url).AbsolutePath}:{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
        }
    }

    /// <summary>Fails when the page visited a path the gate never checked.</summary>
    public static Task AssertEveryVisitedPageCheckedAsync(IPage page)
    {
        var visits = Tracked.GetValue(page, _ => new Visits());
        var missed = visits.Visited.Keys.Where(path => !visits.Checked.ContainsKey(path)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missed.Count == 0, $"Pages visited but never passed through the page gate: {string.Join(", ", missed)}");
        return Task.CompletedTask;
    }

    private static async Task SwitchThemeAsync(IPage page, ILocator toggle, bool dark)
    {
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-pressed", dark ? "true" : "false");
        await page.WaitForFunctionAsync(AnimationsDoneScript);
    }

    private static async Task<IEnumerable<string>> AxeAsync(IPage page, string theme)
    {
        AxeResult result = await page.RunAxe();
        var report = new StringBuilder();
        foreach (var violation in result.Violations.Where(v => FailingImpacts.Contains(v.Impact)))
        {
            report.Append(CultureInfoInvariant($"[axe {theme}] {violation.Impact} {violation.Id}: {violation.Help}"));
            foreach (var node in violation.Nodes.Take(6))
            {
                var messages = string.Join("; ", node.Any.Concat(node.All).Concat(node.None).Select(check => check.Message).Distinct());
                report.Append(CultureInfoInvariant($"{Environment.NewLine}    at {node.Target}: {messages}"));
            }

            report.Append('\u0001');
        }

        return report.ToString().Split('\u0001', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private sealed class Visits
    {
        public ConcurrentDictionary<string, byte> Visited { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte> Checked { get; } = new(StringComparer.Ordinal);
    }
}
