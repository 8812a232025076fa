using MudBlazor;

namespace Plexura.Web.Components.Layout;

/// <summary>The one MudBlazor theme of the app, light and dark.</summary>
/// <remarks>
/// MudBlazor's default status colors (success #00C853, warning #FF9800, error #F44336, info #2196F3) and its dark
/// primary fail WCAG AA as text and under white chip text. Every color here reaches 4.5:1 both as text on the surface
/// and against its contrast text, so alerts, chips, text buttons and filled buttons pass axe-core in both themes; the
/// dark palette uses light colors with dark contrast text, since no color reaches 4.5:1 against both white and the dark
/// surface. MudBlazor writes alert text in the "darken" shade, so the dark palette's "darken" shades are lighter ones.
/// </remarks>
public static class PlexuraTheme
{
    /// <summary>
    /// The one instance every circuit's layout shows. MudTheme is mutable, so nothing may change it: a copy per
    /// circuit cost about 12 KB of palettes and colors each (bench/README.md, circuits).
    /// </summary>
    public static MudTheme Shared { get; } = Create();

    /// <summary>Builds a new theme (tests compare against a fresh one).</summary>
    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#594AE2",
            Secondary = "#C2185B",
            Tertiary = "#00796B",
            Info = "#1565C0",
            Success = "#256D2A",
            Warning = "#B45309",
            Error = "#C62828",
            TextSecondary = "rgba(0,0,0,0.65)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#A99FF5",
            PrimaryContrastText = DarkText,
            PrimaryDarken = "#C5BEF9",
            Secondary = "#F48FB1",
            SecondaryContrastText = DarkText,
            Tertiary = "#4DB6AC",
            TertiaryContrastText = DarkText,
            Info = "#64B5F6",
            InfoContrastText = DarkText,
            InfoDarken = "#90CAF9",
            Success = "#81C784",
            SuccessContrastText = DarkText,
            SuccessDarken = "#A5D6A7",
            Warning = "#FFB74D",
            WarningContrastText = DarkText,
            WarningDarken = "#FFCC80",
            Error = "#FF8A80",
            ErrorContrastText = DarkText,
            ErrorDarken = "#FFB4AB",
            TextPrimary = "rgba(255,255,255,0.87)",
            TextSecondary = "rgba(255,255,255,0.70)",
            DrawerText = "rgba(255,255,255,0.80)",
            DrawerIcon = "rgba(255,255,255,0.80)",
            AppbarText = "rgba(255,255,255,0.87)",
        },
    };

    private const string DarkText = "#1B1B1F";
}
