using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// Headless chromium against the real app: circuits fed by the real ComfyUI client watching
/// real emulators. Nothing in the live path is replaced.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class DashboardBrowserTests(BrowserFixture fixture)
{
    private const string AnyBarAdvanced = """
        before => [...document.querySelectorAll('.job-card')].some(card => {
            const bar = card.querySelector('[role=progressbar]');
            const was = before[card.getAttribute('data-job-id')];
            return bar && was !== undefined && parseFloat(bar.getAttribute('aria-valuenow')) > was;
        })
        """;

    [Fact]
    public async Task A_progress_bar_advances_without_reload()
    {
        var page = await fixture.OpenDashboardAsync();
        await page.Locator(".job-card[data-status=Running] [role=progressbar]").First.WaitForAsync();

        // Twice in a row, some job's bar moves forward on the same page: the circuit pushes.
        var first = await BarValues(page);
        await page.WaitForFunctionAsync(AnyBarAdvanced, first, new() { Timeout = 60_000 });
        var second = await BarValues(page);
        await page.WaitForFunctionAsync(AnyBarAdvanced, second, new() { Timeout = 60_000 });

        Assert.Contains(second, kv => first.TryGetValue(kv.Key, out var was) && kv.Value > was);
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(@"^\(\d+\) AnimeProgress$"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, "desktop-light.png") });
        await page.Context.CloseAsync();
    }

    private static Task<Dictionary<string, double>> BarValues(IPage page) =>
        page.EvaluateAsync<Dictionary<string, double>>(
            "() => Object.fromEntries([...document.querySelectorAll('.job-card')].map(c => [c.getAttribute('data-job-id'), parseFloat(c.querySelector('[role=progressbar]').getAttribute('aria-valuenow'))]))");

    [Fact]
    public async Task The_first_visit_follows_the_OS_theme()
    {
        var page = await fixture.OpenDashboardAsync(scheme: ColorScheme.Dark);

        await Assertions.Expect(page.Locator(".app-root")).ToHaveAttributeAsync("data-theme", "dark");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_theme_toggle_applies_and_survives_a_reload()
    {
        var page = await fixture.OpenDashboardAsync(scheme: ColorScheme.Light);
        var root = page.Locator(".app-root");
        await Assertions.Expect(root).ToHaveAttributeAsync("data-theme", "light");

        await page.Locator("[data-testid=theme-toggle]").ClickAsync();
        await Assertions.Expect(root).ToHaveAttributeAsync("data-theme", "dark");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        await Assertions.Expect(page.Locator(".app-root")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.NotEqual("rgb(255, 255, 255)", background);
        await page.Locator(".job-card").First.WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, "desktop-dark.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_every_job_is_a_card_and_nothing_overflows()
    {
        var page = await fixture.OpenDashboardAsync(width: 390, height: 844);
        await page.Locator(".job-card").First.WaitForAsync();
        await Assertions.Expect(page.Locator(".job-list")).ToHaveAttributeAsync("data-layout", "cards");

        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"page is {scrollWidth}px wide at 390px");
        await Assertions.Expect(page.Locator("[data-testid=theme-toggle]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".live-pill")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, "phone.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_page_shows_reconnecting_when_the_server_goes_away_and_recovers_when_it_returns()
    {
        var page = await fixture.OpenDashboardAsync();
        await page.Locator(".job-card").First.WaitForAsync();
        var modal = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(modal).ToBeHiddenAsync();

        fixture.Proxy.Cut();
        try
        {
            await Assertions.Expect(modal).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".live-pill__down")).ToBeVisibleAsync();
        }
        finally
        {
            fixture.Proxy.Restore();
        }

        await Assertions.Expect(modal).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".live-pill__up")).ToBeVisibleAsync();

        // The same circuit resumed: updates flow again without a reload.
        var values = await BarValues(page);
        await page.WaitForFunctionAsync(AnyBarAdvanced, values, new() { Timeout = 60_000 });
        await page.Context.CloseAsync();
    }

}

[CollectionDefinition(nameof(BrowserCollection))]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;

[Collection(nameof(BrowserCollection))]
public sealed class PagesBrowserTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("fleet", ".instance-card")]
    [InlineData("history", ".mud-table")]
    public async Task Each_page_fits_a_phone_without_horizontal_scrolling(string path, string ready)
    {
        var page = await fixture.NewPageAsync(390, 844);
        await page.GotoAsync(new Uri(fixture.Url, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        await page.Locator(ready).First.WaitForAsync();

        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        var widest = await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390).slice(0, 5).map(e => e.tagName + '.' + e.className).join(' | ')");
        Assert.True(scrollWidth <= 390, $"/{path} is {scrollWidth}px wide at 390px: {widest}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_app_bars_jobs_button_leads_back_to_the_dashboard()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "fleet").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        await page.Locator(".instance-card").First.WaitForAsync();

        // A link, not a button that does nothing (an empty Href renders MudBlazor's button).
        var jobs = page.Locator("a[aria-label=Jobs]");
        await jobs.ClickAsync();

        await page.WaitForURLAsync(fixture.Url.ToString());
        await page.Locator(".job-card").First.WaitForAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_job_title_leads_to_its_detail_page_which_follows_the_job_live()
    {
        var page = await fixture.OpenDashboardAsync();
        var running = page.Locator(".job-card[data-status=Running] a.job-card__title").First;
        await running.WaitForAsync();
        await running.ClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/\\d+$"));
        // The detail page's own header, not a badge the dashboard also has: the screenshot shows the detail page.
        await Assertions.Expect(page.Locator("[data-testid=job-detail]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".stage-badge").First).ToBeVisibleAsync();
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 1366);
        await page.SetViewportSizeAsync(390, 844);
        scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"the detail page is {scrollWidth}px wide at 390px");
        await page.SetViewportSizeAsync(1366, 900);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Screenshots, "job-detail.png") });
        await page.Context.CloseAsync();
    }
}
