using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Support.Oidc;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// Accounts in chromium against the real app with the demo running: a Viewer sees no control and is refused when it
/// forces one (the URL, and navigation inside its own circuit); an Admin's change on the users page reaches the other
/// person's open dashboard through the session sweep (a role change: told, reloaded with the new role's view; a
/// disable: told, sent to the sign-in page); and single sign-on against the in-process OpenID Connect provider.
/// </summary>
public sealed class AccountChangesBrowserTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private TestIdentityProvider? _provider;
    private AppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private Uri Root => _app!.BaseAddress;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestIdentityProvider.StartAsync(new TestUser("sub-alma", "alma", "render-admins"));
        _app = AppHost.StartDemo(timeScale: 0.6, new Dictionary<string, string?>
        {
            ["AnimeProgress:Accounts:RevalidationInterval"] = "00:00:01",
            ["AnimeProgress:Accounts:Oidc:Authority"] = _provider.Authority.AbsoluteUri,
            ["AnimeProgress:Accounts:Oidc:ClientId"] = TestIdentityProvider.ClientId,
            ["AnimeProgress:Accounts:Oidc:ClientSecret"] = _provider.ClientSecret,
            ["AnimeProgress:Accounts:Oidc:DisplayName"] = "Studio SSO",
            ["AnimeProgress:Accounts:Oidc:Roles:render-admins"] = "Admin",
        });
        _provider.RedirectUri = new Uri(_app.BaseAddress, "/signin-oidc");
        foreach (var (name, role) in new[] { ("ada", "Admin"), ("vik", "Viewer"), ("olga", "Operator"), ("dan", "Viewer") })
        {
            await Browser.AddUserAsync(_app, name, role, Password);
        }

        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(20_000);
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    private async Task<IPage> SignedInPageAsync(string name, string path = "/")
    {
        var page = await (await Chromium.NewContextAsync(_browser!)).NewPageAsync();
        // The app notices the accounts within seconds of its start; until then this machine is the first start's Admin.
        await Eventually.True(
            () => page.GotoAsync(Root.ToString()).GetAwaiter().GetResult() is not null && page.Url.Contains("/login", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "sent to /login");
        await Chromium.SignInAsync(page, Root, name, Password, path);
        return page;
    }

    [Fact]
    public async Task A_viewer_sees_no_control_and_is_refused_when_forcing_one()
    {
        var page = await SignedInPageAsync("vik");
        await Chromium.WaitForABarToAdvanceAsync(page);
        await Assertions.Expect(page.Locator("[aria-label='Users']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[aria-label='Audit log']")).ToHaveCountAsync(0);

        // Inside its own circuit, past the buttons it was not given: the page's policy holds there too.
        await page.EvaluateAsync("() => { window.sameDocument = true; Blazor.navigateTo('/admin/users'); }");
        await page.WaitForURLAsync(new Uri(Root, "/admin/users").ToString());
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "navigated inside the circuit, not by a page load");
        await Assertions.Expect(page.GetByTestId("not-authorized")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("button[aria-label^='Disable']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#new-user-name")).ToHaveCountAsync(0);

        // By the address: the page is never served, the sign-in page says why.
        await page.GotoAsync(new Uri(Root, "/admin/users").ToString());
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("whose role may not open that page")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admins_role_change_and_disable_on_the_users_page_reach_the_other_persons_open_dashboard()
    {
        var olga = await SignedInPageAsync("olga");
        var dan = await SignedInPageAsync("dan");
        var admin = await SignedInPageAsync("ada", "/admin/users");

        // Olga, an Operator, becomes a Viewer: her open dashboard is told and reloads with the new role.
        await olga.EvaluateAsync("() => window.beforeTheChange = true");
        await admin.Locator("tr[data-account=olga] .user-table__role").ClickAsync();
        await admin.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Viewer" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("users-notice")).ToHaveTextAsync("olga is now Viewer.");
        await Assertions.Expect(olga.GetByText("Your role changed.")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await olga.WaitForFunctionAsync("() => window.beforeTheChange !== true");
        await olga.WaitForSelectorAsync(".app-root[data-ready=true]");
        Assert.Equal(new Uri(Root, "/").ToString(), olga.Url);
        await Assertions.Expect(olga.Locator(".account-name")).ToHaveTextAsync("olga");

        // The change was made inside the Admin's circuit, which has no request of its own: it is audited with the
        // address the circuit's connection came from, as a REST call would be.
        await using (var db = await _app!.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await Eventually.True(
                () => db.AuditLog.AsNoTracking().Any(e => e.Action == "user.role" && e.Target == "olga" && e.ActorName == "ada" && e.ClientAddress == "127.0.0.1"),
                TimeSpan.FromSeconds(10), "the role change audited as ada's, from 127.0.0.1");
        }

        // Dan is disabled: his open dashboard is told and ends on the sign-in page.
        await admin.ClickAsync("button[aria-label='Disable dan']");
        await Assertions.Expect(admin.Locator("tr[data-account=dan] [data-state]")).ToHaveTextAsync("disabled");
        await Assertions.Expect(dan.GetByText("The account is locked or disabled.")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await dan.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await Assertions.Expect(dan.Locator("input[name=userName]")).ToBeVisibleAsync();
        foreach (var page in new[] { olga, dan, admin })
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Single_sign_on_in_the_browser_against_the_in_process_provider_lands_on_the_live_dashboard_with_the_groups_role()
    {
        // Signed in at the provider as alma (the provider's session, which the test provider reads from this header).
        var context = await Chromium.NewContextAsync(_browser!, new Dictionary<string, string> { [TestIdentityProvider.UserHeader] = "alma" });
        var page = await context.NewPageAsync();
        await Eventually.True(
            () => page.GotoAsync(new Uri(Root, "/login").ToString()).GetAwaiter().GetResult() is not null && page.Url.Contains("/login", StringComparison.Ordinal)
                && page.Locator("input[name=userName]").CountAsync().GetAwaiter().GetResult() == 1,
            TimeSpan.FromSeconds(30), "the sign-in form");

        await page.GetByText("Sign in with Studio SSO").ClickAsync();

        // Through the provider and back: the page that is left is this app's.
        await page.WaitForURLAsync(url => url.StartsWith(Root.ToString(), StringComparison.Ordinal)
            && !url.Contains("/signin-oidc", StringComparison.Ordinal) && !url.Contains("/account/sso", StringComparison.Ordinal));
        Assert.True(page.Url == Root.ToString(), $"{page.Url}: {string.Join("; ", _provider!.Refusals)}");
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");
        await Assertions.Expect(page.Locator(".account-name")).ToHaveTextAsync("alma");
        await Assertions.Expect(page.Locator("[aria-label='Users']")).ToHaveCountAsync(1);
        await Chromium.WaitForABarToAdvanceAsync(page);
        Assert.True(_provider!.TokensIssued >= 1);
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

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
