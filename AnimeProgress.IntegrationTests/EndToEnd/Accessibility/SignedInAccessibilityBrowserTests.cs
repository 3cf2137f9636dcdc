using AnimeProgress.Core.Jobs;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// axe on what only an app with accounts shows, and on the admin pages while they hold data: the sign-in form, the
/// app bar of a signed-in Admin, the fleet queue with waiting and cancelled jobs, the users list, the notification
/// channels, rules and delivery log, a failed job's detail, the keys page and the sign-out page; both themes, desktop
/// and phone. One app (<see cref="AdminDemo"/>) and one browser for the class, one page per viewing.
/// </summary>
public sealed class SignedInAccessibilityBrowserTests : IAsyncLifetime
{
    private AdminDemo? _demo;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Pages opened after signing in (the sign-in form itself is checked before); "{failed}" stands for a failed job's id.</summary>
    public static readonly IReadOnlyList<AuditedPage> Pages =
    [
        new("dashboard (signed in)", "", ".job-card [role=progressbar]"),
        new("queue (signed in)", "queue", "[data-testid=ended-row] button"),
        new("users (signed in)", "admin/users", "tr[data-account=vik] [aria-label='Disable vik']"),
        new("notifications (signed in)", "admin/notifications", "[data-testid=delivery-send-again]"),
        new("failed job detail (signed in)", "jobs/{failed}", "[data-testid=detail-error]", Route: "/jobs/{Id:long}"),
        new("fleet (signed in)", "fleet", ".instance-card"),
        new("history (signed in)", "history", "[data-testid=history-row]"),
        new("keys (signed in)", "keys", "[data-testid=key-list]"),
        new("my notifications (signed in)", "profile/notifications", "[data-testid=my-subscription-events]"),
        new("audit (signed in)", "admin/audit", "[data-testid=audit-actor]"),
        new("access denied (signed in)", "login/denied", "h1", Interactive: false),
        new("logout (signed in)", "logout", "form[action] button[type=submit]", Interactive: false),
    ];

    public async ValueTask InitializeAsync()
    {
        _demo = await AdminDemo.StartAsync(TestContext.Current.CancellationToken);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Theory]
    [MemberData(nameof(Viewing.All), MemberType = typeof(Viewing))]
    public async Task The_account_and_admin_pages_have_no_serious_or_critical_axe_violation(string viewingName)
    {
        var viewing = Viewing.Named(viewingName);
        var page = await AdminDemo.NewPageAsync(_browser!, viewing);
        var violations = new List<string>();

        await _demo!.OpenSignInFormAsync(page, "login?failed=true");
        violations.AddRange(await AxeAudit.SeriousViolationsAsync(page, $"sign-in form ({viewing.Name})"));
        await Chromium.SignInAsync(page, _demo.Root, AdminDemo.Admin, AdminDemo.Password);

        foreach (var audited in Pages)
        {
            var path = audited.Path.Replace("{failed}", (await FailedJobIdAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            await page.GotoAsync(new Uri(_demo.Root, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            if (audited.Interactive)
            {
                await BrowserFixture.WaitForThemeAsync(page);
            }

            await page.Locator(audited.Ready).First.WaitForAsync();
            violations.AddRange(await AxeAudit.SeriousViolationsAsync(page, $"{audited.Name} ({viewing.Name})"));
        }

        await page.Context.CloseAsync();
        Assert.True(violations.Count == 0, AxeAudit.Report(violations));
    }

    private async Task<long> FailedJobIdAsync()
    {
        JobSnapshot? failed = null;
        await Eventually.True(() => (failed = _demo!.App.Hub.Jobs.FirstOrDefault(j => j.Status == JobStatus.Failed)) is not null,
            TimeSpan.FromSeconds(90), "a failed demo job");
        return failed!.Id;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }
}
