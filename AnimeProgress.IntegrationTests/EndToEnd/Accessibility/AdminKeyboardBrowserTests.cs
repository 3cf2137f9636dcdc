using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// A keyboard-only Admin on the pages that change things, while they hold data (<see cref="AdminDemo"/>): every control
/// is reached with Tab and shows its focus, and each action is taken with Tab, Enter, Space, the arrow keys and Escape
/// alone and takes effect: the fleet queue's moves, priorities, cancel (its confirmation dismissed with Escape, then
/// confirmed), retry and pause; creating an account, changing a role, disabling; adding a notification channel and a
/// rule, sending a test message, removing the rule; "My jobs" on the dashboard.
/// </summary>
public sealed class AdminKeyboardBrowserTests : IAsyncLifetime
{
    private AdminDemo? _demo;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private AdminDemo Demo => _demo!;

    public async ValueTask InitializeAsync()
    {
        _demo = await AdminDemo.StartAsync(TestContext.Current.CancellationToken);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    private async Task<IPage> OpenAsync(string path, string ready)
    {
        var page = await Demo.SignedInPageAsync(_browser!, Viewing.DesktopLight);
        await page.GotoAsync(new Uri(Demo.Root, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        await page.Locator(ready).First.WaitForAsync();
        return page;
    }

    private static async Task TabRoundAsync(IPage page, string path)
    {
        var (unreached, invisible) = await Keyboard.TabRoundAsync(page);
        Assert.True(unreached.Count == 0, $"/{path}: Tab never reaches {string.Join(", ", unreached)}");
        Assert.True(invisible.Count == 0, $"/{path}: no visible focus on {string.Join(", ", invisible)}");
    }

    [Fact]
    public async Task The_fleet_queue_is_run_with_the_keyboard_and_its_confirmations_close_with_escape()
    {
        var page = await OpenAsync("queue", "[data-testid=queue-row]");
        await TabRoundAsync(page, "queue");
        var (a, b, c) = (AdminDemo.Waiting[0], AdminDemo.Waiting[1], AdminDemo.Waiting[2]);

        // Raising the last job's priority puts it at the head of the waiting jobs.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Raise the priority of {c}']");
        await page.Keyboard.PressAsync("Enter");
        await WaitForWaitingOrderAsync(page, c, a, b);
        await Assertions.Expect(Row(page, c).Locator("[data-testid=queue-priority]")).ToHaveTextAsync("1");

        // Moving the (now) last one up, with Space this time.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Move {b} up']");
        await page.Keyboard.PressAsync(" ");
        await WaitForWaitingOrderAsync(page, c, b, a);

        // Cancel asks first; the focus is in the question, and Escape leaves the job where it was.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Cancel {b}']");
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator(".mud-dialog");
        await FocusInDialogAsync(page);
        Assert.True((await Keyboard.FocusedAsync(page)).Visible, "the focus in the confirmation is visible");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(Row(page, b)).ToHaveCountAsync(1);

        // Asked again and confirmed from the keyboard: the job leaves the queue for the ended list...
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Cancel {b}']");
        await page.Keyboard.PressAsync("Enter");
        await FocusInDialogAsync(page);
        await Keyboard.TabToTextAsync(page, "Cancel the job", ".mud-dialog", maxTabs: 10);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Row(page, b)).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=ended-row]", new() { HasText = b })).ToHaveCountAsync(1);

        // ...from where Retry queues it again, as a new job linked to it.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Retry {b}']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Row(page, b).Locator(".queue-row__retry")).ToHaveCountAsync(1);

        // Pause asks first too: Escape keeps the queue running, the confirmed question pauses it; Resume needs no question.
        var state = page.GetByTestId("queue-state");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Pause the queue");
        await page.Keyboard.PressAsync(" ");
        await FocusInDialogAsync(page);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(state).Not.ToContainTextAsync("Paused");
        await Keyboard.FromTopAsync(page);
        // The closed dialog may hand focus back to its button just after the walk starts from the top; then the walk
        // begins below the button and has to go round the whole page (every queue row's buttons) to meet it again.
        await Keyboard.TabToTextAsync(page, "Pause the queue", maxTabs: 250);
        await page.Keyboard.PressAsync("Enter");
        await FocusInDialogAsync(page);
        await Keyboard.TabToTextAsync(page, "Pause", ".mud-dialog", maxTabs: 10);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(state).ToContainTextAsync("Paused");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Resume the queue");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(state).Not.ToContainTextAsync("Paused");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Accounts_are_created_changed_and_disabled_with_the_keyboard()
    {
        var page = await OpenAsync("admin/users", "tr[data-account=vik]");
        await TabRoundAsync(page, "admin/users");
        var notice = page.GetByTestId("users-notice");

        // A new Operator: name, role from the list with the arrow keys, password, then the button.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "#new-user-name");
        await page.Keyboard.TypeAsync("kim");
        await Keyboard.TabToAsync(page, ".mud-select, .mud-select *", maxTabs: 3);
        await Keyboard.ChooseAsync(page, "Operator");
        await Keyboard.TabToAsync(page, "#new-user-password");
        await page.Keyboard.TypeAsync(AdminDemo.Password);
        await Keyboard.TabToTextAsync(page, "Create account");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(notice).ToHaveTextAsync("Created kim (Operator).");
        await Assertions.Expect(page.Locator("tr[data-account=kim]")).ToHaveCountAsync(1);

        // Back up with Shift+Tab to vik's role, which becomes Operator.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "button[aria-label='Disable vik']");
        // (MudSelect puts the label on the element that takes the focus, not on its read-only input.)
        await Keyboard.TabToAsync(page, "[aria-label='Role of vik']", maxTabs: 5, backwards: true);
        await Keyboard.ChooseAsync(page, "Operator");
        await Assertions.Expect(notice).ToHaveTextAsync("vik is now Operator.");

        // Disabled with Space; the button turns into Enable.
        await Keyboard.TabToAsync(page, "button[aria-label='Disable vik']", maxTabs: 5);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(notice).ToHaveTextAsync("vik is disabled.");
        await Assertions.Expect(page.Locator("button[aria-label='Enable vik']")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Notification_channels_and_rules_are_added_tested_and_removed_with_the_keyboard()
    {
        var page = await OpenAsync("admin/notifications", "[data-testid=rule-row-name]");
        await TabRoundAsync(page, "admin/notifications");

        // A webhook channel (the type's default): name, URL, Add.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "input[aria-label='Channel name']");
        await page.Keyboard.TypeAsync("kb-hook");
        await Keyboard.TabToAsync(page, "input[aria-label='Channel URL']", maxTabs: 5);
        await page.Keyboard.TypeAsync(Demo.HookUrl.ToString());
        await Keyboard.TabToTextAsync(page, "Add channel", maxTabs: 5);
        await page.Keyboard.PressAsync("Enter");
        await ExpectOrSayAsync(Cell(page, "channel-row-name", "kb-hook"), page.GetByTestId("channel-form"), page.GetByTestId("channel-list"));
        await Assertions.Expect(page.GetByTestId("channel-secret")).ToBeVisibleAsync();

        // A rule sending to it: name, the channel from the list with the arrow keys, Add.
        await Keyboard.TabToAsync(page, "input[aria-label='Rule name']");
        await page.Keyboard.TypeAsync("kb-rule");
        await Keyboard.TabToAsync(page, "[aria-label='Rule channel']", maxTabs: 3);
        await Keyboard.ChooseAsync(page, "kb-hook");
        await Keyboard.TabToTextAsync(page, "Add rule");
        await page.Keyboard.PressAsync("Enter");
        var rule = Cell(page, "rule-row-name", "kb-rule");
        await ExpectOrSayAsync(rule, page.GetByTestId("rule-form"), page.GetByTestId("rule-list"));

        // A test message to the new channel lands in the delivery log.
        var row = await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('[data-testid=channel-list] tbody tr')].findIndex(r => r.querySelector('[data-testid=channel-row-name]')?.textContent.trim() === 'kb-hook') + 1");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"[data-testid=channel-list] tbody tr:nth-child({row}) button[data-testid=channel-test]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Cell(page, "delivery-channel", "kb-hook").First).ToBeVisibleAsync();

        // The rule is removed again.
        await Keyboard.FromTopAsync(page);
        // (The configured rule is read-only: kb-rule's is the list's only Remove.)
        await Keyboard.TabToTextAsync(page, "Remove", "[data-testid=rule-list]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(rule).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task My_jobs_is_switched_with_the_keyboard()
    {
        var page = await OpenAsync("", ".job-card");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "[data-testid=my-jobs]");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(page.Locator("[data-testid=my-jobs]")).ToHaveAttributeAsync("aria-pressed", "true");

        // Only the Admin's own jobs (the ones waiting in the fleet queue) remain.
        await page.WaitForFunctionAsync(
            "() => { const t = [...document.querySelectorAll('.job-card__title')].map(e => e.textContent.trim()); return t.length > 0 && t.every(x => x.startsWith('Key art')); }",
            null, new() { Timeout = 20_000 });
        await page.Context.CloseAsync();
    }

    /// <summary>Waits for one <paramref name="added"/>; if it never comes, the failure quotes the form (its problems, its values) and the list.</summary>
    private static async Task ExpectOrSayAsync(ILocator added, ILocator form, ILocator list)
    {
        try
        {
            await Assertions.Expect(added).ToHaveCountAsync(1);
        }
        catch (PlaywrightException ex)
        {
            var values = await form.Locator("input").EvaluateAllAsync<string[]>("inputs => inputs.map(i => (i.getAttribute('aria-label') ?? i.type) + '=' + i.value)");
            throw new Xunit.Sdk.XunitException($"not added: {await form.InnerTextAsync()} [{string.Join("; ", values)}]; the list: {await list.InnerTextAsync()} ({ex.Message})");
        }
    }

    /// <summary>A confirmation opened and took the focus (keys pressed before that would go to the page behind it).</summary>
    private static async Task FocusInDialogAsync(IPage page)
    {
        await page.Locator(".mud-dialog").WaitForAsync();
        await page.WaitForFunctionAsync("() => !!document.activeElement?.closest('.mud-dialog')", null, new() { Timeout = 10_000 });
    }

    /// <summary>The table cells marked <paramref name="testId"/> whose whole text is <paramref name="text"/>.</summary>
    private static ILocator Cell(IPage page, string testId, string text) =>
        page.Locator($"[data-testid={testId}]", new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(text)}\\s*$") });

    private static ILocator Row(IPage page, string title) =>
        page.Locator("[data-testid=queue-row]", new() { Has = page.Locator(".queue-row__title", new() { HasText = title }) });

    /// <summary>The waiting jobs (not those being sent) are these, in this order.</summary>
    private static async Task WaitForWaitingOrderAsync(IPage page, params string[] titles) =>
        await page.WaitForFunctionAsync("""
            titles => {
                const waiting = [...document.querySelectorAll('[data-testid=queue-row]')]
                    .filter(r => r.querySelector('td').textContent.trim() !== 'sending')
                    .map(r => r.querySelector('.queue-row__title').textContent.trim())
                    .filter(t => titles.includes(t));
                return waiting.join('|') === titles.join('|');
            }
            """, titles, new() { Timeout = 20_000 });

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
