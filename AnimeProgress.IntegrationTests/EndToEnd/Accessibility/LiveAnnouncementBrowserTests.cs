using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// What a screen reader gets of the live dashboard: each progress bar says whose it is and where it stands, none is in
/// a live region (no percent is read out unasked), and a polite live region announces outcomes, not progress.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class LiveAnnouncementBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Bars_announce_their_value_and_only_outcomes_are_announced_live()
    {
        var page = await fixture.OpenDashboardAsync();
        await page.Locator(".job-card[data-status=Running] [role=progressbar][aria-valuenow]").First.WaitForAsync();

        var bars = await page.EvaluateAsync<BarFacts[]>("""
            () => [...document.querySelectorAll('.job-card [role=progressbar]')].map(b => ({
                title: b.closest('.job-card').querySelector('.job-card__title').textContent.trim(),
                label: b.getAttribute('aria-label') ?? '',
                valueNow: b.getAttribute('aria-valuenow'),
                valueText: b.getAttribute('aria-valuetext'),
                inLiveRegion: !!b.parentElement.closest('[aria-live], [role=status], [role=alert], [role=log], [role=marquee], [role=timer]'),
            }))
            """);
        Assert.NotEmpty(bars);
        foreach (var bar in bars)
        {
            Assert.Contains(bar.Title, bar.Label, StringComparison.Ordinal);
            Assert.False(bar.InLiveRegion, $"the bar of {bar.Title} is inside a live region");
            if (bar.ValueNow is not null)
            {
                // The words start with the same value, rounded to a whole percent ("88.9" -> "89%, Rendering, ETA 12s").
                var spoken = double.Parse((bar.ValueText ?? "").Split('%')[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(spoken, double.Parse(bar.ValueNow, System.Globalization.CultureInfo.InvariantCulture) - 0.5, double.Parse(bar.ValueNow, System.Globalization.CultureInfo.InvariantCulture) + 0.5);
            }
        }

        // Record every text the announcer takes while bars move and jobs finish.
        await page.EvaluateAsync("""
            () => {
                window.__announced = [];
                const region = document.querySelector('[data-testid=job-announcer]');
                new MutationObserver(() => window.__announced.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
            }
            """);
        await page.WaitForFunctionAsync("() => window.__announced.some(t => t.trim().length > 0)", null, new() { Timeout = 90_000 });

        var announcer = page.Locator("[data-testid=job-announcer]");
        await Assertions.Expect(announcer).ToHaveAttributeAsync("aria-live", "polite");
        var announced = (await page.EvaluateAsync<string[]>("() => window.__announced")).Where(t => t.Trim().Length > 0).ToList();
        Assert.All(announced, text => Assert.Matches("^(Completed|Failed|Cancelled): ", text));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Finishes_about_is_shown_in_the_viewers_time_zone()
    {
        // A viewer in Tokyo (UTC+9, no daylight saving) watching a server that runs in UTC.
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            TimezoneId = "Asia/Tokyo",
        });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        var eta = page.Locator(".job-card[data-status=Running] [data-testid=eta][title^='Finishes about']").First;
        await eta.WaitForAsync();
        var card = eta.Locator("xpath=ancestor::article[1]");
        var id = long.Parse((await card.GetAttributeAsync("data-job-id"))!, System.Globalization.CultureInfo.InvariantCulture);

        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var shown = TimeOnly.ParseExact((await eta.GetAttributeAsync("title"))!["Finishes about ".Length..], "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var job = fixture.App.Hub.Find(id)!;
        var expected = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(job.UpdatedAt.AddSeconds(job.EtaSeconds ?? 0), tokyo).DateTime);
        // The ETA moves between the page's render and this read: a few minutes either way; UTC would be 9 hours off.
        var apart = Math.Abs((shown.ToTimeSpan() - expected.ToTimeSpan()).TotalMinutes);
        Assert.True(Math.Min(apart, 1440 - apart) <= 5, $"shown {shown}, expected about {expected} in Tokyo");
        await context.CloseAsync();
    }

    /// <summary>One bar as the page describes it (a class with setters: Playwright fills it from the page's answer).</summary>
    public sealed class BarFacts
    {
        public string Title { get; set; } = "";

        public string Label { get; set; } = "";

        public string? ValueNow { get; set; }

        public string? ValueText { get; set; }

        public bool InLiveRegion { get; set; }
    }
}
