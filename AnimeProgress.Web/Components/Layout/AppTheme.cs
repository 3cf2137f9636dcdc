using MudBlazor;

namespace AnimeProgress.Web.Components.Layout;

/// <summary>The studio palette for both modes; live rows use its CSS variables so they follow the theme.</summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#6d28d9",
            Secondary = "#db2777",
            AppbarBackground = "#4c1d95",
            Background = "#f6f5fb",
            Surface = "#ffffff",
            Success = "#15803d",
            Error = "#b91c1c",
            Warning = "#b45309",
            Info = "#0369a1",
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
        },
    };
}
