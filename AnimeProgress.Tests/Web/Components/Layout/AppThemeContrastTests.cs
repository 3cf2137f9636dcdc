using AnimeProgress.Web.Components.Layout;
using MudBlazor;
using MudBlazor.Utilities;

namespace AnimeProgress.Tests.Web.Components.Layout;

/// <summary>
/// WCAG AA for the palette itself, in both themes: every text colour on every background it is drawn on reaches
/// 4.5:1, so a new page built from the theme starts readable (axe checks the pages as rendered in the browser tests).
/// </summary>
public sealed class AppThemeContrastTests
{
    public static TheoryData<string> Modes => ["light", "dark"];

    private static Palette PaletteOf(string mode) => mode == "dark" ? AppTheme.Theme.PaletteDark : AppTheme.Theme.PaletteLight;

    [Theory]
    [MemberData(nameof(Modes))]
    public void Text_reaches_4_5_to_1_on_the_page_and_on_cards(string mode)
    {
        var palette = PaletteOf(mode);
        foreach (var background in new[] { palette.Background, palette.Surface })
        {
            AssertReadable(palette.TextPrimary, background, $"{mode} primary text on {background}");
            AssertReadable(palette.TextSecondary, background, $"{mode} secondary text on {background}");
            // Links and text buttons are drawn in the primary colour.
            AssertReadable(palette.Primary, background, $"{mode} primary (links) on {background}");
        }

        AssertReadable(palette.AppbarText, palette.AppbarBackground, $"{mode} app bar text");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Text_on_filled_buttons_chips_and_snackbars_reaches_4_5_to_1(string mode)
    {
        var palette = PaletteOf(mode);
        AssertReadable(palette.PrimaryContrastText, palette.Primary, $"{mode} on primary");
        AssertReadable(palette.SecondaryContrastText, palette.Secondary, $"{mode} on secondary");
        AssertReadable(palette.SuccessContrastText, palette.Success, $"{mode} on success");
        AssertReadable(palette.ErrorContrastText, palette.Error, $"{mode} on error");
        AssertReadable(palette.WarningContrastText, palette.Warning, $"{mode} on warning");
        AssertReadable(palette.InfoContrastText, palette.Info, $"{mode} on info");
    }

    [Fact]
    public void The_ratio_is_WCAGs()
    {
        // Known values: black on white is the maximum, and the dark secondary text fell short.
        Assert.Equal(21.0, ContrastRatio.Of(new MudColor("#000000"), new MudColor("#ffffff")), 2);
        Assert.Equal(3.75, ContrastRatio.Of(new MudColor("#78777c"), new MudColor("#1e1d27")), 2);
    }

    private static void AssertReadable(MudColor text, MudColor background, string what)
    {
        var ratio = ContrastRatio.Of(ContrastRatio.Over(text, background), background);
        Assert.True(ratio >= 4.5, $"{what}: {text} on {background} is {ratio:0.00}:1, below 4.5:1");
    }
}
