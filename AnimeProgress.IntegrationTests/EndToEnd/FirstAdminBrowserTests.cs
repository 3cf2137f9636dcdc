using AnimeProgress.IntegrationTests.Support;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// A fresh install in chromium, as an IT admin meets it: the demo live on this machine without a login; the first
/// Admin made with the app's real CLI (the built program, password on standard input); a users page opened before
/// that keeps its screen but is refused on the server when it tries to act; the Admin signs in and watches a bar
/// advance; signing out in another tab ends this tab's live view. Its own app: the first start is its subject.
/// </summary>
public sealed class FirstAdminBrowserTests : IAsyncLifetime
{
    private const string Password = "the first admin's password";
    private AppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = AppHost.StartDemo(timeScale: 0.6, new Dictionary<string, string?> { ["AnimeProgress:Accounts:RevalidationInterval"] = "00:00:01" });
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(20_000);
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task The_first_admin_made_with_the_cli_signs_in_to_a_live_dashboard_and_signing_out_in_another_tab_ends_the_live_view()
    {
        var app = _app!;
        var root = app.BaseAddress;

        // First start: this machine sees the demo live, as Admin, without signing in.
        var local = await Chromium.NewContextAsync(_browser!);
        var dashboard = await local.NewPageAsync();
        await dashboard.GotoAsync(root.ToString());
        await dashboard.WaitForSelectorAsync(".app-root[data-ready=true]");
        await Assertions.Expect(dashboard.Locator("[aria-label^='No account yet']")).ToBeVisibleAsync();
        await Chromium.WaitForABarToAdvanceAsync(dashboard);
        var stale = await local.NewPageAsync();
        await stale.GotoAsync(new Uri(root, "/admin/users").ToString());
        await stale.WaitForSelectorAsync(".app-root[data-ready=true]");
        await Assertions.Expect(stale.GetByText("No accounts yet.")).ToBeVisibleAsync();

        // The first Admin, headless, with the real program: the password on standard input, never an argument.
        var (code, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string> { ["ConnectionStrings__AnimeProduction"] = $"Data Source={app.DatabaseFile}" },
            ["users", "add", "ada", "--role", "Admin"], Ct, Password + "\n");
        Assert.True(code == 0, output);
        Assert.Contains("Added the account 'ada' (Admin)", output, StringComparison.Ordinal);

        // The app notices within seconds: from then on this machine signs in too.
        var probe = await (await Chromium.NewContextAsync(_browser!)).NewPageAsync();
        await Eventually.True(
            () => probe.GotoAsync(root.ToString()).GetAwaiter().GetResult() is not null && probe.Url.Contains("/login", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "sent to /login once the first account exists");

        // The pages opened during the first start were Admin only because nobody had an account: the session sweep ends
        // them (their circuits are anonymous from then on, so the server refuses any action still on screen), they say
        // why and go to the sign-in page.
        foreach (var firstStartPage in new[] { stale, dashboard })
        {
            await firstStartPage.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new() { Timeout = 30_000 });
            await Assertions.Expect(firstStartPage.Locator("input[name=userName]")).ToBeVisibleAsync();
        }

        // The Admin signs in and the dashboard is live for them.
        var signedIn = await Chromium.NewContextAsync(_browser!);
        var page = await signedIn.NewPageAsync();
        await Chromium.SignInAsync(page, root, "ada", Password);
        await Assertions.Expect(page.Locator(".account-name")).ToHaveTextAsync("ada");
        await Chromium.WaitForABarToAdvanceAsync(page);

        // Signing out in another tab ends this tab's live view: it says so and goes to the sign-in page.
        var otherTab = await signedIn.NewPageAsync();
        await otherTab.GotoAsync(root.ToString());
        await otherTab.WaitForSelectorAsync(".app-root[data-ready=true]");
        await otherTab.ClickAsync("button[aria-label='Sign out']");
        await Assertions.Expect(otherTab.Locator("h1")).ToHaveTextAsync("Signed out");
        await Assertions.Expect(page.GetByText("You were signed out.")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("input[name=userName]")).ToBeVisibleAsync();
        await signedIn.CloseAsync();
        await local.CloseAsync();
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
