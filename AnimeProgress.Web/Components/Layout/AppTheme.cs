using MudBlazor;

namespace AnimeProgress.Web.Components.Layout;

/// <summary>
/// The studio palette for both modes; live rows use its CSS variables so they follow the theme. Every text colour
/// reaches WCAG AA (4.5:1) on the backgrounds it is drawn on (AppThemeContrastTests): MudBlazor's default secondary
/// text is translucent and falls short on our backgrounds, and white on the dark theme's light accents is unreadable,
/// so those get solid colours and dark contrast text.
/// </summary>
public static class AppTheme
{
    /// <summary>Text on the dark theme's light accent colours (buttons, chips, snackbars).</summary>
    private const string OnLightAccent = "#15141c";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#6d28d9",
            Secondary = "#db2777",
            AppbarBackground = "#4c1d95",
            Background = "#f6f5fb",
            Surface = "#ffffff",
            // Dark enough for white text on a snackbar, which MudBlazor draws slightly translucent.
            Success = "#166534",
            Error = "#b91c1c",
            Warning = "#92400e",
            Info = "#0369a1",
            TextSecondary = "#5f5e66",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a78bfa",
            Secondary = "#f472b6",
            AppbarBackground = "#1e1b2e",
            Background = "#15141c",
            Surface = "#1f1e29",
            Success = "#4ade80",
            Error = "#f87171",
            Warning = "#fbbf24",
            Info = "#38bdf8",
            TextSecondary = "#b0aeba",
            PrimaryContrastText = OnLightAccent,
            SecondaryContrastText = OnLightAccent,
            SuccessContrastText = OnLightAccent,
            ErrorContrastText = OnLightAccent,
            WarningContrastText = OnLightAccent,
            InfoContrastText = OnLightAccent,
        },
    };
}
