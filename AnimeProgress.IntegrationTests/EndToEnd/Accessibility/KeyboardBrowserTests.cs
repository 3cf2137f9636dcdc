using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// A keyboard-only operator on the first start's app: every control of each page is reached with Tab and shows where
/// the focus is; the theme toggle, the navigation, a job's detail link and the history filters are used with the
/// keyboard alone. The admin pages' actions, on an app with data for them: <see cref="AdminKeyboardBrowserTests"/>.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed partial class KeyboardBrowserTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("", ".job-card[data-status=Running]")]
    [InlineData("queue", "[data-testid=queue-state]")]
    [InlineData("admin/users", "h1")]
    [InlineData("admin/notifications", "[data-testid=rule-form]")]
    [InlineData("fleet", ".instance-card")]
    [InlineData("history", "[data-testid=history-row]")]
    [InlineData("keys", "[data-testid=key-list]")]
    [InlineData("admin/audit", "[data-testid=audit-table]")]
    public async Task Tab_reaches_every_control_and_the_focus_is_always_visible(string path, string ready)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        await page.Locator(ready).First.WaitForAsync();

        var (unreached, invisible) = await Keyboard.TabRoundAsync(page);

        Assert.True(unreached.Count == 0, $"/{path}: Tab never reaches {string.Join(", ", unreached)}");
        Assert.True(invisible.Count == 0, $"/{path}: no visible focus on {string.Join(", ", invisible)}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_dashboard_is_used_with_the_keyboard_alone()
    {
        var page = await fixture.OpenDashboardAsync(scheme: ColorScheme.Light);
        await page.Locator(".job-card[data-status=Running]").First.WaitForAsync();
        var root = page.Locator(".app-root");

        // The theme toggle: reached by Tab (every stop on the way shows its focus), switched with Enter and back with Space.
        await Keyboard.TabToAsync(page, "[data-testid=theme-toggle]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(root).ToHaveAttributeAsync("data-theme", "dark");
        Assert.True((await Keyboard.FocusedAsync(page)).Visible, "the toggle shows its focus in the dark theme too");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(root).ToHaveAttributeAsync("data-theme", "light");

        // A job's title leads to its detail page.
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        await Keyboard.TabToAsync(page, "a.job-card__title");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(JobDetailUrl());
        await Assertions.Expect(page.Locator("[data-testid=job-detail]")).ToBeVisibleAsync();
        var (unreached, invisible) = await Keyboard.TabRoundAsync(page);
        Assert.True(unreached.Count == 0, $"job detail: Tab never reaches {string.Join(", ", unreached)}");
        Assert.True(invisible.Count == 0, $"job detail: no visible focus on {string.Join(", ", invisible)}");

        // The app bar's navigation: to the machines page.
        await Keyboard.FollowAppBarLinkAsync(page, fixture.Url, "ComfyUI machines", "fleet", ".instance-card");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_history_search_filters_the_table_from_the_keyboard()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "history").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        var first = page.Locator("[data-testid=history-row]").First;
        await first.WaitForAsync();
        var title = (await first.TextContentAsync())!.Trim();

        await Keyboard.TabToAsync(page, "input[aria-label='Search title or prompt id'], [aria-label='Search title or prompt id'] input");
        await page.Keyboard.TypeAsync(title);

        // Only rows with that title remain, and there are fewer of them than before (other jobs had other titles).
        var before = await page.Locator("[data-testid=history-row]").CountAsync();
        await page.WaitForFunctionAsync(
            "t => { const rows = [...document.querySelectorAll('[data-testid=history-row]')]; return rows.length > 0 && rows.every(r => r.textContent.includes(t)); }",
            title, new() { Timeout = 15_000 });
        Assert.True(before > 1, "the demo finished more than one job before the search");

        // Back with Shift+Tab to the Kind list: the other kind leaves no row, the job's own kind brings its rows back.
        var kind = (await page.Locator("[data-testid=history-row]").First.Locator("xpath=ancestor::tr[1]/td[3]").TextContentAsync())!.Trim();
        var other = kind == "Video" ? "Image" : "Video";
        await Keyboard.TabToAsync(page, "[aria-label=Kind]", maxTabs: 6, backwards: true);
        await Keyboard.ChooseAsync(page, other);
        await Assertions.Expect(page.GetByTestId("history-empty")).ToBeVisibleAsync();
        await Keyboard.ChooseAsync(page, kind);
        await Assertions.Expect(page.Locator("[data-testid=history-row]").First).ToHaveTextAsync(title);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_history_is_filtered_by_days_typed_from_the_keyboard()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "history").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        var rows = page.Locator("[data-testid=history-row]");
        await rows.First.WaitForAsync();

        // Days long before the app ran leave no row; days round today bring them back.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "input[aria-label='Start date']");
        await Keyboard.TypeDaysAsync(page, Keyboard.LongAgo.From, Keyboard.LongAgo.To);
        await Assertions.Expect(page.GetByTestId("history-empty")).ToBeVisibleAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        await Keyboard.TabToAsync(page, "input[aria-label='Start date']", maxTabs: 4, backwards: true);
        var (from, to) = Keyboard.AroundToday();
        await Keyboard.TypeDaysAsync(page, from, to);
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_history_table_is_paged_and_sorted_from_the_keyboard()
    {
        var page = await fixture.NewPageAsync();
        var rows = page.Locator("[data-testid=history-row]");
        var range = page.Locator(".mud-table-page-number-information");
        // Enough finished jobs for two pages of ten: the table is read when the page opens, so it is opened until there are.
        var total = 0;
        var until = DateTimeOffset.UtcNow.AddMinutes(3);
        while (total <= 10)
        {
            Assert.True(DateTimeOffset.UtcNow < until, $"the demo finished only {total} jobs");
            await page.GotoAsync(new Uri(fixture.Url, "history").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            await BrowserFixture.WaitForThemeAsync(page);
            await Assertions.Expect(page.GetByTestId("history-total")).ToHaveTextAsync(JobsTotal());
            total = int.Parse(JobsTotal().Match(await page.GetByTestId("history-total").InnerTextAsync()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        // Rows per page: 10, from the pager's list with the arrow keys.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, ".mud-table-pagination-select [role=combobox]", maxTabs: 150);
        await Keyboard.ChooseAsync(page, "10");
        await Assertions.Expect(rows).ToHaveCountAsync(10);
        await Assertions.Expect(range).ToHaveTextAsync(FirstTen());
        var first = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.jobId)");

        // Next page, then Previous page (Shift+Tab back to it), with Enter.
        await Keyboard.TabToAsync(page, "button[aria-label='Next page']", maxTabs: 6);
        await page.Keyboard.PressAsync("Enter");
        // (Each page is read anew, and the demo keeps finishing jobs: the total may have grown meanwhile.)
        await Assertions.Expect(range).ToHaveTextAsync(NextTen());
        var second = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.jobId)");
        Assert.False(first.SequenceEqual(second), "the second page shows other jobs");
        await Keyboard.TabToAsync(page, "button[aria-label='Previous page']", maxTabs: 3, backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(range).ToHaveTextAsync(FirstTen());

        // The Job column's header, pressed with Enter: titles in ascending order; pressed again: descending.
        var job = "[data-testid=history-table] thead th:nth-child(1) .mud-table-sort-label";
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, job, maxTabs: 150);
        await page.Keyboard.PressAsync("Enter");
        var ascending = await WaitForTitleOrderAsync(page, "(a, b) => a <= b");
        await page.Keyboard.PressAsync("Enter");
        var descending = await WaitForTitleOrderAsync(page, "(a, b) => a >= b");
        Assert.True(ascending.Distinct().Count() > 1 && !ascending.SequenceEqual(descending), $"the order changed: {string.Join(", ", ascending)} / {string.Join(", ", descending)}");
        await page.Context.CloseAsync();
    }

    /// <summary>Waits until the history rows' titles are in the order <paramref name="inOrder"/> (a JS comparison of neighbours) says, and returns them.</summary>
    private static async Task<string[]> WaitForTitleOrderAsync(IPage page, string inOrder)
    {
        await page.WaitForFunctionAsync($$"""
            () => {
                const t = [...document.querySelectorAll('[data-testid=history-row]')].map(r => r.textContent.trim());
                const ok = {{inOrder}};
                return t.length > 1 && t.every((x, i) => i === 0 || ok(t[i - 1], x));
            }
            """, null, new() { Timeout = 15_000 });
        return [.. (await page.Locator("[data-testid=history-row]").AllTextContentsAsync()).Select(t => t.Trim())];
    }

    [Fact]
    public async Task The_first_start_page_opens_the_dashboard_from_the_keyboard()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "login").ToString());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("No account yet");

        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Open the dashboard");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(fixture.Url.ToString());
        await BrowserFixture.WaitForThemeAsync(page);
        await Assertions.Expect(page.Locator(".job-card").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("^1-10 of \\d+$")]
    private static partial Regex FirstTen();

    [GeneratedRegex("^11-\\d+ of \\d+$")]
    private static partial Regex NextTen();

    [GeneratedRegex("^(\\d+) jobs$")]
    private static partial Regex JobsTotal();

    [GeneratedRegex("/jobs/\\d+$")]
    private static partial Regex JobDetailUrl();
}
