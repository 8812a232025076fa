using System.Text.RegularExpressions;

namespace Plexura.Web.Components.Shared;

/// <summary>Turns a user-agent string into the words a person recognises: "Chrome on macOS".</summary>
/// <remarks>
/// A handful of patterns for the browsers and systems people use, rather than a user-agent parsing library: the page
/// only needs to help someone recognise their own sign-ins. The raw string stays in the audit log. Order matters:
/// Edge and Opera also say "Chrome", Chrome also says "Safari", iOS also says "Mac OS X" and Android also says "Linux".
/// </remarks>
public static partial class DeviceNames
{
    /// <summary>Shown when nothing is known about the device.</summary>
    public const string Unknown = "Unknown device";

    private static readonly (Regex Pattern, string Name)[] Browsers =
    [
        (EdgePattern(), "Edge"),
        (OperaPattern(), "Opera"),
        (FirefoxPattern(), "Firefox"),
        (ChromePattern(), "Chrome"),
        (SafariPattern(), "Safari"),
    ];

    private static readonly (Regex Pattern, string Name)[] Systems =
    [
        (IosPattern(), "iOS"),
        (AndroidPattern(), "Android"),
        (ChromeOsPattern(), "ChromeOS"),
        (WindowsPattern(), "Windows"),
        (MacPattern(), "macOS"),
        (LinuxPattern(), "Linux"),
    ];

    /// <summary>"Browser on system", just the one that is known, or <see cref="Unknown"/>.</summary>
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return Unknown;
        }

        var browser = Browsers.FirstOrDefault(b => b.Pattern.IsMatch(userAgent)).Name;
        var system = Systems.FirstOrDefault(s => s.Pattern.IsMatch(userAgent)).Name;
        return (browser, system) switch
        {
            ({ } b, { } s) => $"{b} on {s}",
            ({ } b, null) => b,
            (null, { } s) => $"A browser or app on {s}",
            _ => Unknown,
        };
    }

    [GeneratedRegex(@"\bEdg(e|A|iOS)?/", RegexOptions.CultureInvariant, 100)]
    private static partial Regex EdgePattern();

    [GeneratedRegex(@"\b(OPR|Opera|OPT)/", RegexOptions.CultureInvariant, 100)]
    private static partial Regex OperaPattern();

    [GeneratedRegex(@"\b(Firefox|FxiOS)/", RegexOptions.CultureInvariant, 100)]
    private static partial Regex FirefoxPattern();

    [GeneratedRegex(@"(Chrome|CriOS|Chromium)/", RegexOptions.CultureInvariant, 100)]
    private static partial Regex ChromePattern();

    [GeneratedRegex(@"\bVersion/[\d.]+.*\bSafari/", RegexOptions.CultureInvariant, 100)]
    private static partial Regex SafariPattern();

    [GeneratedRegex(@"\b(iPhone|iPad|iPod)\b", RegexOptions.CultureInvariant, 100)]
    private static partial Regex IosPattern();

    [GeneratedRegex(@"\bAndroid\b", RegexOptions.CultureInvariant, 100)]
    private static partial Regex AndroidPattern();

    [GeneratedRegex(@"\bCrOS\b", RegexOptions.CultureInvariant, 100)]
    private static partial Regex ChromeOsPattern();

    [GeneratedRegex(@"\bWindows\b", RegexOptions.CultureInvariant, 100)]
    private static partial Regex WindowsPattern();

    [GeneratedRegex(@"\b(Macintosh|Mac OS X)\b", RegexOptions.CultureInvariant, 100)]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"\bLinux\b", RegexOptions.CultureInvariant, 100)]
    private static partial Regex LinuxPattern();
}
