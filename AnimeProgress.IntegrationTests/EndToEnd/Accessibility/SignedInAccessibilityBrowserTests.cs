using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// axe on what only an app with accounts shows: the sign-in form, the app bar of a signed-in Admin (name, keys, audit,
/// sign out), the keys page with its new-key form, and the sign-out page; both themes, desktop and phone. Its own app:
/// an account ends the first start, which the other browser tests rely on.
/// </summary>
public sealed class SignedInAccessibilityBrowserTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private AppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Pages opened after signing in (the sign-in form itself is checked before).</summary>
    public static readonly IReadOnlyList<AuditedPage> Pages =
    [
        new("dashboard (signed in)", "", ".job-card [role=progressbar]"),
        new("keys (signed in)", "keys", "[data-testid=key-list]"),
        new("audit (signed in)", "admin/audit", "[data-testid=audit-actor]"),
        new("logout (signed in)", "logout", "form[action] button[type=submit]", Interactive: false),
    ];

    public async ValueTask InitializeAsync()
    {
        _app = AppHost.StartDemo(timeScale: 0.6);
        await Browser.AddUserAsync(_app, "ada", "Admin", Password);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Theory]
    [MemberData(nameof(Viewing.All), MemberType = typeof(Viewing))]
    public async Task The_account_pages_have_no_serious_or_critical_axe_violation(string viewingName)
    {
        var viewing = Viewing.Named(viewingName);
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = viewing.Width, Height = viewing.Height },
            ColorScheme = viewing.Scheme,
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        var root = _app!.BaseAddress;
        var violations = new List<string>();

        // The account exists, so even this machine is sent to the sign-in form (the app notices within seconds).
        await Eventually.True(() => page.GotoAsync(new Uri(root, "login?failed=true").ToString()).GetAwaiter().GetResult() is not null
            && page.Locator("input[name=userName]").CountAsync().GetAwaiter().GetResult() == 1, TimeSpan.FromSeconds(30), "the sign-in form");
        violations.AddRange(await AxeAudit.SeriousViolationsAsync(page, $"sign-in form ({viewing.Name})"));

        await page.FillAsync("input[name=userName]", "ada");
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");

        foreach (var audited in Pages)
        {
            await page.GotoAsync(new Uri(root, audited.Path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            if (audited.Interactive)
            {
                await BrowserFixture.WaitForThemeAsync(page);
            }

            await page.Locator(audited.Ready).First.WaitForAsync();
            violations.AddRange(await AxeAudit.SeriousViolationsAsync(page, $"{audited.Name} ({viewing.Name})"));
        }

        await context.CloseAsync();
        Assert.True(violations.Count == 0, AxeAudit.Report(violations));
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
