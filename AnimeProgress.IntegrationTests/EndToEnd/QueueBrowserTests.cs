using AnimeProgress.IntegrationTests.Core.Queue;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;
using AnimeProgress.Core.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// The Queue page in chromium (issue 16, done-when): against the app with its fleet queue in front of an emulated
/// ComfyUI, paused so the jobs stay waiting, an Operator reorders, cancels through the confirmation dialog (whose
/// "Keep it" leaves the job alone) and retries; a Viewer sees the same queue without a single control, and the server
/// refuses the action the Viewer forces past the page.
/// </summary>
public sealed class QueueBrowserTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private QueueFleet _fleet = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private Uri Root => _fleet.App.BaseAddress;

    public async ValueTask InitializeAsync()
    {
        _fleet = await QueueFleet.StartAsync();
        await Browser.AddUserAsync(_fleet.App, "oskar", AppRoles.Operator, Password);
        await Browser.AddUserAsync(_fleet.App, "vera", AppRoles.Viewer, Password);
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(20_000);
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    private async Task<IPage> SignedInPageAsync(string name)
    {
        var page = await (await Chromium.NewContextAsync(_browser!)).NewPageAsync();
        await Eventually.True(
            () => page.GotoAsync(Root.ToString()).GetAwaiter().GetResult() is not null && page.Url.Contains("/login", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "sent to /login");
        await Chromium.SignInAsync(page, Root, name, Password, "/queue");
        return page;
    }

    private static async Task<List<string>> RowOrderAsync(IPage page) =>
        [.. await page.Locator("tr[data-testid=queue-row] .queue-row__title").AllTextContentsAsync()];

    private static ILocator Row(IPage page, long job) => page.Locator($"tr[data-testid=queue-row][data-job='{job}']");

    [Fact]
    public async Task An_operator_drains_returns_and_labels_a_machine_on_the_fleet_page_and_a_viewer_sees_no_controls()
    {
        async Task<InstanceCapability> StoredAsync()
        {
            var capabilities = _fleet.App.Services.GetRequiredService<FleetCapabilities>();
            capabilities.SettingsChanged();
            return (await capabilities.CurrentAsync(TestContext.Current.CancellationToken)).Single(c => c.Name == "gpu-a");
        }

        var page = await SignedInPageAsync("oskar");
        await page.GotoAsync(new Uri(Root, "fleet").ToString());
        var card = page.Locator(".instance-card[data-instance=gpu-a]");

        // Drain asks first; "Keep it working" changes nothing.
        await card.GetByTestId("instance-drain-toggle").ClickAsync();
        await page.Locator(".mud-dialog").GetByText("Keep it working").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        Assert.False((await StoredAsync()).Draining);

        await card.GetByTestId("instance-drain-toggle").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Drain" }).ClickAsync();
        await Assertions.Expect(card.GetByTestId("instance-drain")).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByTestId("instance-drain-toggle")).ToHaveTextAsync("Return to work");
        Assert.True((await StoredAsync()).Draining);

        await card.GetByRole(AriaRole.Textbox, new() { Name = "Labels of gpu-a" }).FillAsync("video, 4090");
        await card.GetByTestId("instance-labels-save").ClickAsync();
        await Assertions.Expect(card.GetByTestId("instance-labels")).ToHaveTextAsync("4090, video");
        Assert.Equal(["4090", "video"], (await StoredAsync()).Labels.Order(StringComparer.Ordinal));

        // Returned to work without a question (it takes work again; nothing is lost by it).
        await card.GetByTestId("instance-drain-toggle").ClickAsync();
        await Assertions.Expect(card.GetByTestId("instance-drain")).ToHaveCountAsync(0);
        Assert.False((await StoredAsync()).Draining);
        await page.Context.CloseAsync();

        var viewer = await SignedInPageAsync("vera");
        await viewer.GotoAsync(new Uri(Root, "fleet").ToString());
        await Assertions.Expect(viewer.Locator(".instance-card[data-instance=gpu-a] [data-testid=instance-labels]")).ToHaveTextAsync("4090, video");
        await Assertions.Expect(viewer.GetByTestId("instance-controls")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("main button")).ToHaveCountAsync(0);
        await viewer.Context.CloseAsync();
    }

    [Fact]
    public async Task An_operator_reorders_cancels_with_confirmation_and_retries_and_a_viewer_sees_no_controls()
    {
        await _fleet.ActAsync(HttpMethod.Post, "/api/queue/pause");
        var alpha = await _fleet.SubmitAsync("alpha");
        var bravo = await _fleet.SubmitAsync("bravo");
        var charlie = await _fleet.SubmitAsync("charlie");

        var page = await SignedInPageAsync("oskar");
        await Assertions.Expect(page.GetByTestId("queue-state")).ToHaveTextAsync("Paused: nothing new is sent to ComfyUI.");
        await Assertions.Expect(page.Locator("tr[data-testid=queue-row]")).ToHaveCountAsync(3);
        Assert.Equal(["alpha", "bravo", "charlie"], await RowOrderAsync(page));

        // Reorder: charlie to the front, then alpha down one place; the page and the server's order agree.
        await page.ClickAsync("button[aria-label='Move charlie to the front']");
        await Assertions.Expect(page.Locator("tr[data-testid=queue-row] .queue-row__title").First).ToHaveTextAsync("charlie");
        Assert.Equal([charlie, alpha, bravo], await _fleet.WaitingOrderAsync());
        await page.ClickAsync("button[aria-label='Move alpha down']");
        await Assertions.Expect(page.Locator("tr[data-testid=queue-row] .queue-row__title").Last).ToHaveTextAsync("alpha");
        Assert.Equal([charlie, bravo, alpha], await _fleet.WaitingOrderAsync());
        Assert.Equal(["charlie", "bravo", "alpha"], await RowOrderAsync(page));

        // Cancel asks first; "Keep it" leaves the job waiting where it was.
        await page.ClickAsync("button[aria-label='Cancel bravo']");
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync($"bravo (#{bravo}) leaves the queue and does not run.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(Row(page, bravo)).ToHaveCountAsync(1);
        Assert.Equal([charlie, bravo, alpha], await _fleet.WaitingOrderAsync());

        await page.ClickAsync("button[aria-label='Cancel bravo']");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel the job" }).ClickAsync();
        await Assertions.Expect(Row(page, bravo)).ToHaveCountAsync(0);
        Assert.Equal([charlie, alpha], await _fleet.WaitingOrderAsync());
        var ended = page.Locator($"[data-testid=ended-row][data-job='{bravo}']");
        await Assertions.Expect(ended).ToContainTextAsync("cancelled");

        // Retry: a new job waits in the queue, linked to the cancelled one.
        await ended.GetByRole(AriaRole.Button, new() { Name = "Retry bravo" }).ClickAsync();
        var retry = page.Locator("tr[data-testid=queue-row]", new() { Has = page.GetByText($"retry of #{bravo}") });
        await Assertions.Expect(retry).ToHaveCountAsync(1);
        await Assertions.Expect(retry.Locator(".queue-row__title")).ToHaveTextAsync("bravo");
        var retried = long.Parse(await retry.GetAttributeAsync("data-job") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([charlie, alpha, retried], await _fleet.WaitingOrderAsync());

        // In bulk: two selected jobs move to the front together, in the order they had.
        await page.CheckAsync("input[aria-label='Select alpha']");
        await page.CheckAsync("input[aria-label='Select bravo']");
        await Assertions.Expect(page.GetByTestId("queue-selected")).ToHaveTextAsync("2 selected");
        await page.GetByTestId("queue-bulk").GetByRole(AriaRole.Button, new() { Name = "Move selected to the front" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-testid=queue-row] .queue-row__title").Last).ToHaveTextAsync("charlie");
        Assert.Equal([alpha, retried, charlie], await _fleet.WaitingOrderAsync());

        // The chain on the jobs' detail pages, both ways.
        await page.GotoAsync(new Uri(Root, $"/jobs/{bravo}").ToString());
        await Assertions.Expect(page.GetByTestId("retried-as")).ToContainTextAsync($"#{retried}");
        await page.GetByTestId("retried-as").GetByRole(AriaRole.Link, new() { Name = $"#{retried}" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(Root, $"/jobs/{retried}").ToString());
        await Assertions.Expect(page.GetByTestId("retry-of")).ToHaveTextAsync($"Retry of #{bravo}");
        await page.Context.CloseAsync();

        // A Viewer sees the queue and the cancelled job, and no control at all.
        var viewer = await SignedInPageAsync("vera");
        await Assertions.Expect(viewer.Locator("tr[data-testid=queue-row]")).ToHaveCountAsync(3);
        await Assertions.Expect(viewer.Locator($"[data-testid=ended-row][data-job='{bravo}']")).ToBeVisibleAsync();
        await Assertions.Expect(viewer.Locator("main button")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("main input")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByText("Pause the queue")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByText("Resume the queue")).ToHaveCountAsync(0);

        // Forced past the page with her own key (which has the control scope): the server refuses and nothing moves.
        var (_, key) = await KeyApps.KeyAsync(_fleet.App, "vera", AppRoles.Viewer, ApiScope.Read | ApiScope.Control);
        var forced = await viewer.APIRequest.PostAsync(new Uri(Root, $"/api/jobs/{alpha}/move").ToString(), new()
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
            DataObject = new { to = "front" },
        });
        Assert.Equal(403, forced.Status);
        Assert.Contains("(vera) does not have a role that may control", await forced.TextAsync(), StringComparison.Ordinal);
        var cancel = await viewer.APIRequest.PostAsync(new Uri(Root, $"/api/jobs/{charlie}/cancel").ToString(), new()
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        });
        Assert.Equal(403, cancel.Status);
        Assert.Contains($"Only an Operator or the job's submitter may cancel job #{charlie}.", await cancel.TextAsync(), StringComparison.Ordinal);
        Assert.Equal([alpha, retried, charlie], await _fleet.WaitingOrderAsync());
        await viewer.Context.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _fleet.DisposeAsync();
    }
}
