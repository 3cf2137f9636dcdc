using AnimeProgress.Core.Jobs;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// axe-core on every page of the running demo (the first start's Admin on this computer), with live jobs on it, in
/// both themes, on a desktop and on a 390 px phone: no serious or critical violation. One browser, one page per
/// viewing that goes from page to page. A new page is one line in <see cref="Pages"/>.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class AccessibilityBrowserTests(BrowserFixture fixture)
{
    /// <summary>"{running}" stands for the id of a job that is running when the page is opened.</summary>
    public static readonly IReadOnlyList<AuditedPage> Pages =
    [
        new("dashboard", "", ".job-card[data-status=Running] [role=progressbar]"),
        new("job detail", "jobs/{running}", "[data-testid=job-detail]", Route: "/jobs/{Id:long}"),
        new("history", "history", "[data-testid=history-row]"),
        new("fleet", "fleet", ".instance-card"),
        new("keys", "keys", "[data-testid=key-list]"),
        new("audit", "admin/audit", "[data-testid=audit-table]"),
        new("queue", "queue", "[data-testid=queue-state]"),
        new("users", "admin/users", "h1"),
        new("notifications", "admin/notifications", "[data-testid=rule-form]"),
        new("first-user notice", "login", ".account-command", Interactive: false),
        new("logout", "logout", "h1", Interactive: false),
        new("not found", "no-such-page", "[data-testid=not-found]"),
        new("not found page", "not-found", "[data-testid=not-found]"),
        new("error", "Error", "h1", Interactive: false),
    ];

    [Theory]
    [MemberData(nameof(Viewing.All), MemberType = typeof(Viewing))]
    public async Task Every_page_has_no_serious_or_critical_axe_violation(string viewingName)
    {
        var viewing = Viewing.Named(viewingName);
        var page = await fixture.NewPageAsync(viewing.Width, viewing.Height, viewing.Scheme);
        // Snackbars and ripples at rest: axe measures the colours a person reads, not a frame of a fade.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ReducedMotion = ReducedMotion.Reduce });
        var violations = new List<string>();
        foreach (var audited in Pages)
        {
            await OpenAsync(page, audited, viewing);
            violations.AddRange(await AxeAudit.SeriousViolationsAsync(page, $"{audited.Name} ({viewing.Name})"));
        }

        await page.Context.CloseAsync();
        Assert.True(violations.Count == 0, AxeAudit.Report(violations));
    }

    private async Task OpenAsync(IPage page, AuditedPage audited, Viewing viewing)
    {
        var path = audited.Path.Replace("{running}", (await RunningJobIdAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await page.GotoAsync(new Uri(fixture.Url, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        if (audited.Interactive)
        {
            await BrowserFixture.WaitForThemeAsync(page);
            // The OS preference decided the theme of this first visit: the viewing's theme is the one checked.
            await Assertions.Expect(page.Locator(".app-root")).ToHaveAttributeAsync("data-theme", viewing.Scheme == ColorScheme.Dark ? "dark" : "light");
        }

        await page.Locator(audited.Ready).First.WaitForAsync();
    }

    private async Task<long> RunningJobIdAsync()
    {
        JobSnapshot? running = null;
        await Eventually.True(() => (running = fixture.App.Hub.Jobs.FirstOrDefault(j => j.Status == JobStatus.Running)) is not null,
            TimeSpan.FromSeconds(60), "a running job");
        return running!.Id;
    }
}
