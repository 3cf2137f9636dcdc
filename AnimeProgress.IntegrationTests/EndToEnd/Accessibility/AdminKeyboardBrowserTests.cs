using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// A keyboard-only Admin on the pages that change things, while they hold data (<see cref="AdminDemo"/>): every control
/// is reached with Tab and shows its focus, and each action is taken with Tab, Enter, Space, the arrow keys and Escape
/// alone and takes effect: the fleet queue's moves, priorities, cancel (its confirmation dismissed with Escape, then
/// confirmed), retry and pause; creating an account, changing a role, disabling; adding a notification channel and a
/// rule, sending a test message, removing the rule; "My jobs" on the dashboard; signing in and out; making an API key,
/// copying it from its one showing and revoking it; subscribing to and unsubscribing from one's own jobs.
/// </summary>
public sealed partial class AdminKeyboardBrowserTests : IAsyncLifetime
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
        // (The demo keeps queueing jobs, and Tab starts from where the focus last was: a long way round to the page's top.)
        var state = page.GetByTestId("queue-state");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Pause the queue", maxTabs: 250);
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
        await Keyboard.TabToTextAsync(page, "Resume the queue", maxTabs: 250);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(state).Not.ToContainTextAsync("Paused");

        // Several at once: two rows selected with Space; "Cancel selected" asks first and Escape keeps both; a priority
        // typed for both is set (which ends the selection); everything selected with the header's box, then cleared.
        var bulk = page.GetByTestId("queue-bulk");
        var selected = page.GetByTestId("queue-selected");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"input[aria-label='Select {a}']", maxTabs: 250);
        await page.Keyboard.PressAsync(" ");
        await Keyboard.TabToAsync(page, $"input[aria-label='Select {c}']", maxTabs: 250);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(selected).ToHaveTextAsync("2 selected");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Cancel selected", "[data-testid=queue-bulk]", maxTabs: 250);
        await page.Keyboard.PressAsync("Enter");
        await FocusInDialogAsync(page);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(Row(page, a)).ToHaveCountAsync(1);
        await Assertions.Expect(selected).ToHaveTextAsync("2 selected");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "input[aria-label='Priority for the selected jobs']", maxTabs: 250);
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync("7");
        await Keyboard.TabToTextAsync(page, "Set priority", "[data-testid=queue-bulk]", maxTabs: 3);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Row(page, a).Locator("[data-testid=queue-priority]")).ToHaveTextAsync("7");
        await Assertions.Expect(Row(page, c).Locator("[data-testid=queue-priority]")).ToHaveTextAsync("7");
        await Assertions.Expect(bulk).ToHaveCountAsync(0);
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "input[aria-label='Select every job you may act on']", maxTabs: 250);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(bulk).ToHaveCountAsync(1);
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Clear selection", "[data-testid=queue-bulk]", maxTabs: 250);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(bulk).ToHaveCountAsync(0);
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

        // A service account (the role chosen for kim stays): its box ticked with Space takes the password field away, and the
        // account made is one (the row's kind comes from the accounts as stored).
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "#new-user-name");
        await page.Keyboard.TypeAsync("render-bot");
        var service = page.Locator("[data-testid=new-user-service] input, input[data-testid=new-user-service]");
        await Keyboard.TabToAsync(page, "[data-testid=new-user-service] input, input[data-testid=new-user-service]", maxTabs: 5);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(service).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#new-user-password")).ToHaveCountAsync(0);
        await Keyboard.TabToTextAsync(page, "Create account", maxTabs: 3);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(notice).ToHaveTextAsync("Created render-bot (Operator).");
        await Assertions.Expect(page.Locator("tr[data-account=render-bot]")).ToContainTextAsync("service account");

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

        // One delivery to the new channel (the rule sends job events there too, so it is told by its event id). The log is
        // read again only on Refresh: pressed until that delivery shows delivered after one try.
        var eventId = (await Cell(page, "delivery-channel", "kb-hook").First.Locator("xpath=..").GetByTestId("delivery-event").Locator(".mud-typography-caption").InnerTextAsync()).Trim();
        var delivery = page.Locator("[data-testid=delivery-log] tbody tr", new() { Has = Cell(page, "delivery-channel", "kb-hook") })
            .Filter(new() { Has = page.Locator("[data-testid=delivery-event] .mud-typography-caption", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(eventId)}\\s*$") }) });
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "[data-testid=delivery-refresh]");
        await RefreshUntilAsync(page, delivery, "delivered", "1");

        // Send again (Enter on its row's button) puts it back in line; Refresh (reached with Shift+Tab) then shows its second try.
        var index = await page.EvaluateAsync<int>(
            """
            id => [...document.querySelectorAll('[data-testid=delivery-log] tbody tr')].findIndex(r =>
                r.querySelector('[data-testid=delivery-channel]')?.textContent.trim() === 'kb-hook'
                && r.querySelector('[data-testid=delivery-event] .mud-typography-caption')?.textContent.trim() === id) + 1
            """, eventId);
        await Keyboard.TabToAsync(page, $"[data-testid=delivery-log] tbody tr:nth-child({index}) [data-testid=delivery-send-again]", maxTabs: 200);
        await page.Keyboard.PressAsync("Enter");
        await Keyboard.TabToAsync(page, "[data-testid=delivery-refresh]", maxTabs: 200, backwards: true);
        await RefreshUntilAsync(page, delivery, "delivered", "2");

        // The rule is removed again.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "button[aria-label='Remove rule kb-rule']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(rule).ToHaveCountAsync(0);

        // And then its channel.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "button[aria-label='Remove channel kb-hook']");
        await page.Keyboard.PressAsync("Enter");
        await ExpectGoneOrSayAsync(page, Cell(page, "channel-row-name", "kb-hook"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Selected_jobs_are_moved_to_the_front_with_the_keyboard()
    {
        var page = await OpenAsync("queue", "[data-testid=queue-row]");
        var (a, b, c) = (AdminDemo.Waiting[0], AdminDemo.Waiting[1], AdminDemo.Waiting[2]);
        await WaitForWaitingOrderAsync(page, a, b, c);

        // The last two selected with Space, then "Move selected to the front": they lead, in the order they had.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"input[aria-label='Select {b}']", maxTabs: 250);
        await page.Keyboard.PressAsync(" ");
        await Keyboard.TabToAsync(page, $"input[aria-label='Select {c}']", maxTabs: 250);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(page.GetByTestId("queue-selected")).ToHaveTextAsync("2 selected");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Move selected to the front", "[data-testid=queue-bulk]", maxTabs: 250);
        await page.Keyboard.PressAsync("Enter");
        await WaitForWaitingOrderAsync(page, b, c, a);

        // The server's queue agrees.
        var view = await Demo.App.Services.GetRequiredService<FleetQueue>().ViewAsync(TestContext.Current.CancellationToken);
        Assert.Equal([b, c, a], view.Entries.Select(e => e.Title).Where(AdminDemo.Waiting.Contains));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_machine_is_drained_returned_to_work_and_labelled_with_the_keyboard()
    {
        var page = await OpenAsync("fleet", "[data-testid=instance-controls]");
        // The demo's first machine (AdminDemo drained the other one to hold its queue).
        var name = Demo.App.Services.GetRequiredService<ProgressHub>().Instances.Select(i => i.Name).Order(StringComparer.Ordinal).First();
        var card = page.Locator($".instance-card[data-instance='{name}']");
        var drained = card.GetByTestId("instance-drain");
        var dialog = page.Locator(".mud-dialog");

        // Drain asks first; the focus is in the question, and Escape keeps the machine working.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Drain: {name}']");
        await page.Keyboard.PressAsync("Enter");
        await FocusInDialogAsync(page);
        Assert.True((await Keyboard.FocusedAsync(page)).Visible, "the focus in the confirmation is visible");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(drained).ToHaveCountAsync(0);
        Assert.False(await IsDrainingAsync(name));

        // Asked again and confirmed from the keyboard: the card says it is drained, and so does the database.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Drain: {name}']");
        await page.Keyboard.PressAsync("Enter");
        await FocusInDialogAsync(page);
        await Keyboard.TabToTextAsync(page, "Drain", ".mud-dialog", maxTabs: 10);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(drained).ToHaveCountAsync(1);
        Assert.True(await IsDrainingAsync(name));

        // Return to work, with Space: no question.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"button[aria-label='Return to work: {name}']");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(drained).ToHaveCountAsync(0);
        Assert.False(await IsDrainingAsync(name));

        // Labels typed over the field's text and saved with the button.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, $"input[aria-label='Labels of {name}']");
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync("Video, kb4090");
        await Keyboard.TabToAsync(page, $"button[aria-label='Save labels of {name}']", maxTabs: 3);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(card.GetByTestId("instance-labels")).ToHaveTextAsync("kb4090, video");
        var stored = (await Demo.App.Services.GetRequiredService<FleetQueueStore>().InstanceSettingsAsync(TestContext.Current.CancellationToken)).Single(r => r.Name == name);
        Assert.Equal("kb4090,video", stored.Labels.Replace(" ", "", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    private async Task<bool> IsDrainingAsync(string instance) =>
        (await Demo.App.Services.GetRequiredService<FleetQueueStore>().InstanceSettingsAsync(TestContext.Current.CancellationToken))
            .SingleOrDefault(r => r.Name == instance)?.Draining ?? false;

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

    [Fact]
    public async Task The_audit_log_is_filtered_and_its_retention_set_with_the_keyboard()
    {
        var page = await OpenAsync("admin/audit", "[data-testid=audit-actor]");
        await TabRoundAsync(page, "admin/audit");

        // The actor filter: only the Admin's own entries remain (the demo's accounts and keys were made as ada).
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "input[aria-label='Actor name or key prefix']");
        await page.Keyboard.TypeAsync(AdminDemo.Admin);
        await page.WaitForFunctionAsync(
            "a => { const c = [...document.querySelectorAll('[data-testid=audit-actor]')]; return c.length > 0 && c.every(e => e.textContent.includes(a)); }",
            AdminDemo.Admin, new() { Timeout = 15_000 });

        // The Outcome list from the keyboard: nothing the Admin did failed, so "failed" leaves no row; "ok" brings them back.
        await Keyboard.TabToAsync(page, "[aria-label=Outcome]", maxTabs: 4);
        await Keyboard.ChooseAsync(page, "failed");
        await Assertions.Expect(page.GetByTestId("audit-empty")).ToBeVisibleAsync();
        await Keyboard.ChooseAsync(page, "ok");
        await Assertions.Expect(page.GetByTestId("audit-actor").First).ToContainTextAsync(AdminDemo.Admin);

        // Days typed into Between: long ago leaves no entry, days round today bring the Admin's back.
        await Keyboard.TabToAsync(page, "input[aria-label='Start date']", maxTabs: 4);
        await Keyboard.TypeDaysAsync(page, Keyboard.LongAgo.From, Keyboard.LongAgo.To);
        await Assertions.Expect(page.GetByTestId("audit-empty")).ToBeVisibleAsync();
        await Keyboard.TabToAsync(page, "input[aria-label='Start date']", maxTabs: 4, backwards: true);
        var (from, to) = Keyboard.AroundToday();
        await Keyboard.TypeDaysAsync(page, from, to);
        await Assertions.Expect(page.GetByTestId("audit-actor").First).ToContainTextAsync(AdminDemo.Admin);

        // Retention: "Keep forever" off with Space, 30 typed into the days, Save; the page says it is in force.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "[data-testid=audit-keep-forever] input, input[data-testid=audit-keep-forever]");
        await page.Keyboard.PressAsync(" ");
        // The circuit enables the days field; Tab passes a disabled field by.
        await Assertions.Expect(page.Locator("input[aria-label='Days to keep']")).ToBeEnabledAsync();
        await Keyboard.TabToAsync(page, "input[aria-label='Days to keep']", maxTabs: 3);
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync("30");
        await Keyboard.TabToAsync(page, "[data-testid=audit-retention-save]", maxTabs: 4);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("audit-retention-current")).ToHaveTextAsync("Now: 30 days");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Signing_in_and_out_is_done_with_the_keyboard()
    {
        var page = await AdminDemo.NewPageAsync(_browser!, Viewing.DesktopLight);
        await Demo.OpenSignInFormAsync(page);

        // Name, Tab, password, and Enter in the password field sends the form.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "input[name=userName]");
        await page.Keyboard.TypeAsync(AdminDemo.Admin);
        await Keyboard.TabToAsync(page, "input[name=password]", maxTabs: 2);
        await page.Keyboard.TypeAsync(AdminDemo.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Uri(Demo.Root, "/").ToString());
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");
        await Assertions.Expect(page.Locator(".account-name")).ToHaveTextAsync(AdminDemo.Admin);

        // The app bar's Sign out (a form post), then the signed-out page's Sign in back to the form.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "button[aria-label='Sign out']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(SignedOutUrl());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToTextAsync(page, "Sign in");
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("input[name=userName]").WaitForAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_api_key_is_made_copied_from_its_one_showing_and_revoked_with_the_keyboard()
    {
        // To the keys page by the app bar's key button.
        var page = await OpenAsync("", ".job-card");
        await Keyboard.FollowAppBarLinkAsync(page, Demo.Root, "API keys", "keys", "[data-testid=key-list]");
        await TabRoundAsync(page, "keys");

        // Name; olga's account and 30 days from the lists with the arrow keys; the submit scope with Space; Create key.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "#new-key-name");
        await page.Keyboard.TypeAsync("kb-key");
        await Keyboard.TabToAsync(page, "[aria-label=Account]", maxTabs: 3);
        await Keyboard.ChooseAsync(page, "olga");
        await Keyboard.TabToAsync(page, "[aria-label=Expires]", maxTabs: 3);
        await Keyboard.ChooseAsync(page, "in 30 days");
        var submit = page.Locator("[data-testid=scope-submit] input, input[data-testid=scope-submit]");
        await Keyboard.TabToAsync(page, "[data-testid=scope-submit] input, input[data-testid=scope-submit]", maxTabs: 4);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(submit).ToBeCheckedAsync();
        await Keyboard.TabToTextAsync(page, "Create key", maxTabs: 4);
        await page.Keyboard.PressAsync("Enter");

        // The key is shown once, in a field Tab reaches; Ctrl+A, Ctrl+C copy it, and it pastes whole into another field.
        var notice = page.Locator("[data-new-key]");
        await Assertions.Expect(notice).ToContainTextAsync("kb-key");
        await Assertions.Expect(notice).ToContainTextAsync("olga");
        var text = await page.Locator(".new-key__text input").InputValueAsync();
        Assert.True(text.Length > 20, $"a key's text, not '{text}'");
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, ".new-key__text input");
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.PressAsync("ControlOrMeta+C");
        await Keyboard.TabToAsync(page, "#new-key-name");
        await page.Keyboard.PressAsync("ControlOrMeta+V");
        await Assertions.Expect(page.Locator("#new-key-name")).ToHaveValueAsync(text);
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.PressAsync("Backspace");

        // The key works, as olga, with the scopes chosen.
        using var api = Demo.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", text);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/jobs", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        var row = page.Locator("[data-testid=key-list] tr", new() { HasText = "kb-key" });
        await Assertions.Expect(row).ToContainTextAsync("olga");
        await Assertions.Expect(row).ToContainTextAsync("submit");

        // The notice closes from the keyboard, and the key's text is then nowhere on the page.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "[data-new-key] button");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(notice).ToHaveCountAsync(0);
        Assert.DoesNotContain(text, await page.ContentAsync(), StringComparison.Ordinal);

        // Revoked with Enter: the row says so, and the key no longer opens the API.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "button[aria-label='Revoke kb-key']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(row).ToContainTextAsync("revoked");
        await Assertions.Expect(page.Locator("button[aria-label='Revoke kb-key']")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(new Uri("/api/jobs", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task My_job_notifications_are_subscribed_and_removed_with_the_keyboard()
    {
        // To "My notifications" by the app bar's bell.
        var page = await OpenAsync("", ".job-card");
        await Keyboard.FollowAppBarLinkAsync(page, Demo.Root, "My notifications", "profile/notifications", "[data-testid=my-subscriptions]");
        await TabRoundAsync(page, "profile/notifications");

        // The URL, the events typed over the default, Subscribe: the secret is shown and the subscription listed.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "#my-webhook-url");
        await page.Keyboard.TypeAsync(Demo.HookUrl.ToString());
        await Keyboard.TabToAsync(page, "#my-webhook-events", maxTabs: 3);
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync("job.cancelled");
        await Keyboard.TabToAsync(page, "[data-testid=my-subscribe]", maxTabs: 3);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("my-secret")).ToContainTextAsync("whsec_");
        var events = page.Locator("[data-testid=my-subscription-events]", new() { HasTextRegex = CancelledOnly() });
        await Assertions.Expect(events).ToHaveCountAsync(1);
        Assert.Contains(await MySubscriptionsAsync(), s => s.Events == "job.cancelled");

        // Removed again with Space.
        await Keyboard.FromTopAsync(page);
        await Keyboard.TabToAsync(page, "button[aria-label^='Remove the subscription to job.cancelled,']");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(events).ToHaveCountAsync(0);
        Assert.DoesNotContain(await MySubscriptionsAsync(), s => s.Events == "job.cancelled");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// With the focus on the delivery log's Refresh: presses Enter until <paramref name="row"/> shows <paramref name="state"/>
    /// after <paramref name="tries"/> tries (the dispatcher sends in the background; the page reads the log only when asked).
    /// </summary>
    private static async Task RefreshUntilAsync(IPage page, ILocator row, string state, string tries)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await Assertions.Expect(row.First.GetByTestId("delivery-state")).ToHaveTextAsync(state, new() { Timeout = 1_000 });
                await Assertions.Expect(row.First.GetByTestId("delivery-tries")).ToHaveTextAsync(tries, new() { Timeout = 1_000 });
                return;
            }
            catch (PlaywrightException)
            {
                // Not yet: press Refresh again.
            }
        }

        throw new Xunit.Sdk.XunitException($"Refresh never showed {state} after {tries} tries: {await row.First.InnerTextAsync()}");
    }

    /// <summary>The Admin's own subscriptions as the server has them.</summary>
    private async Task<IReadOnlyList<MySubscriptionView>> MySubscriptionsAsync()
    {
        using var scope = Demo.App.Services.CreateScope();
        var ada = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, AdminDemo.Admin)], "test"));
        return await scope.ServiceProvider.GetRequiredService<MyJobNotifications>().ListAsync(ada, TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("/logout\\?done=true$")]
    private static partial Regex SignedOutUrl();

    [GeneratedRegex("^\\s*job\\.cancelled\\s*$")]
    private static partial Regex CancelledOnly();

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

    /// <summary>Waits for <paramref name="removed"/> to leave; if it stays, the failure quotes the page's error, if any.</summary>
    private static async Task ExpectGoneOrSayAsync(IPage page, ILocator removed)
    {
        try
        {
            await Assertions.Expect(removed).ToHaveCountAsync(0);
        }
        catch (PlaywrightException ex)
        {
            var alerts = await page.Locator(".mud-alert").AllInnerTextsAsync();
            throw new Xunit.Sdk.XunitException($"not removed; the page says: {string.Join(" | ", alerts)} ({ex.Message})");
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
