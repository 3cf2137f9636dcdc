using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// Signing in and out in headless chromium against the real app with an account made by the CLI: the static sign-in
/// form (MudBlazor's fields posting by name, the antiforgery token), the live dashboard after it, and the app bar's
/// sign-out form posted from inside the interactive circuit. Its own app: an account ends the first start, which the
/// other browser tests rely on.
/// </summary>
public sealed class SignInBrowserTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private AppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        _app = AppHost.StartDemo(timeScale: 0.6);
        await Browser.AddUserAsync(_app, "vera", "Viewer", Password);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task A_viewer_signs_in_watches_the_live_dashboard_and_signs_out()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                blocked.Add(message.Text);
            }
        };
        var root = _app!.BaseAddress.ToString().TrimEnd('/');

        // The account exists, so even this machine is sent to the sign-in form (the app notices within seconds).
        await Eventually.True(() => page.GotoAsync(root + "/fleet").GetAwaiter().GetResult() is not null && page.Url.Contains("/login", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "sent to /login");

        await page.FillAsync("input[name=userName]", "vera");
        await page.FillAsync("input[name=password]", "not the password");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The name or password is not right");

        await page.FillAsync("input[name=userName]", "vera");
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");

        // Back where it was going, live: the circuit runs for the signed-in account and shows who it is.
        await page.WaitForURLAsync(root + "/fleet");
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");
        await Assertions.Expect(page.Locator(".account-name")).ToHaveTextAsync("vera");
        await Assertions.Expect(page.Locator(".fleet-grid")).ToContainTextAsync("demo-gpu-1");
        // A fresh page load opens a new circuit with the same sign-in: the jobs arrive live.
        await page.GotoAsync(root + "/");
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");
        await page.Locator(".job-card").First.WaitForAsync();

        await page.ClickAsync("button[aria-label='Sign out']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
        await page.GotoAsync(root + "/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.Empty(blocked);
        await context.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
