using AnimeProgress.IntegrationTests.Support;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// The real app running the demo (emulators on loopback, the real ComfyUI client), reached by
/// Debian's headless chromium through a cuttable proxy. Shared by the end-to-end tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private AppHost? _app;
    private IPlaywright? _playwright;

    internal AppHost App => _app ?? throw new InvalidOperationException("not started");

    internal TcpProxy Proxy { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri Url => Proxy.Address;

    public async ValueTask InitializeAsync()
    {
        _app = AppHost.StartDemo(timeScale: 0.6);
        Proxy = new TcpProxy(_app.BaseAddress);
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
        });
        context.SetDefaultTimeout(45_000);
        return await context.NewPageAsync();
    }

    /// <summary>Opens the dashboard and waits until the circuit is interactive.</summary>
    public async Task<IPage> OpenDashboardAsync(int width = 1366, int height = 900, ColorScheme scheme = ColorScheme.Light)
    {
        var page = await NewPageAsync(width, height, scheme);
        await page.GotoAsync(Url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await WaitForThemeAsync(page);
        return page;
    }

    /// <summary>The theme attribute is set once the interactive circuit has read the stored choice.</summary>
    public static Task WaitForThemeAsync(IPage page) =>
        page.WaitForSelectorAsync(".app-root[data-ready=true]");

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
