using MudBlazor.Utilities;

namespace AnimeProgress.Tests.Web.Components.Layout;

/// <summary>WCAG 2's contrast ratio of two colours (relative luminance of sRGB).</summary>
internal static class ContrastRatio
{
    public static double Of(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>A translucent colour as drawn over an opaque background (MudBlazor's default texts are translucent).</summary>
    public static MudColor Over(MudColor color, MudColor background)
    {
        var alpha = color.APercentage;
        byte Mix(byte top, byte bottom) => (byte)Math.Round(top * alpha + bottom * (1 - alpha));
        return new MudColor(Mix(color.R, background.R), Mix(color.G, background.G), Mix(color.B, background.B), (byte)255);
    }

    private static double Luminance(MudColor color) =>
        0.2126 * Channel(color.R) + 0.7152 * Channel(color.G) + 0.0722 * Channel(color.B);

    private static double Channel(byte value)
    {
        var c = value / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
