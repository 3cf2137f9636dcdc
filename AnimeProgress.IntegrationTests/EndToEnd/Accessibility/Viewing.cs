using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>How a page is looked at: the theme the OS asks for (a first visit follows it) and the viewport.</summary>
public sealed record Viewing(string Name, ColorScheme Scheme, int Width, int Height)
{
    public static readonly Viewing DesktopLight = new("desktop light", ColorScheme.Light, 1366, 900);
    public static readonly Viewing DesktopDark = new("desktop dark", ColorScheme.Dark, 1366, 900);
    public static readonly Viewing PhoneLight = new("phone light", ColorScheme.Light, 390, 844);
    public static readonly Viewing PhoneDark = new("phone dark", ColorScheme.Dark, 390, 844);

    public static TheoryData<string> All => [DesktopLight.Name, DesktopDark.Name, PhoneLight.Name, PhoneDark.Name];

    public static Viewing Named(string name) =>
        new[] { DesktopLight, DesktopDark, PhoneLight, PhoneDark }.Single(v => v.Name == name);

    public override string ToString() => Name;
}
