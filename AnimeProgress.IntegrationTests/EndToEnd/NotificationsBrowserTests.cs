using System.Text.Json;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 18 in chromium: an Admin creates a webhook channel and a rule on /admin/notifications, sends a test message,
/// and sees it delivered in the delivery log; a real Kestrel receiver gets it signed with the secret the page showed once.
/// And a person (a Viewer) subscribes a personal webhook to their own jobs from their profile (e-mail is unavailable there
/// until an Admin names the studio's mail server).
/// </summary>
public sealed class NotificationsBrowserTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private HttpReceiver? _receiver;
    private AppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private Uri Root => _app!.BaseAddress;

    public async ValueTask InitializeAsync()
    {
        _receiver = await HttpReceiver.StartAsync();
        _app = AppHost.Start(NotifyingApp.Settings());
        await Browser.AddUserAsync(_app, "ada", "Admin", Password);
        await Browser.AddUserAsync(_app, "mika", "Viewer", Password);
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(20_000);
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task A_person_subscribes_their_own_webhook_from_their_profile_and_receives_their_jobs_outcomes()
    {
        var page = await SignedInPageAsync("mika", "/");
        await page.ClickAsync("a[aria-label='My notifications']");
        await page.WaitForURLAsync(new Uri(Root, "/profile/notifications").ToString());
        await Assertions.Expect(page.GetByText("No subscriptions yet.")).ToBeVisibleAsync();
        // This studio has named no mail server for personal e-mail: the page says so and offers no e-mail option.
        await Assertions.Expect(page.Locator("[data-testid=my-email-unavailable]")).ToContainTextAsync("an Admin must name the studio's e-mail channel");
        await Assertions.Expect(page.Locator("[data-testid=my-subscribe-email]")).ToHaveCountAsync(0);

        await page.FillAsync("#my-webhook-url", _receiver!.Url.ToString());
        await page.FillAsync("#my-webhook-events", "job.completed, job.failed");
        await page.ClickAsync("[data-testid=my-subscribe]");
        var secret = await page.Locator("[data-testid=my-secret] code").InnerTextAsync();
        await Assertions.Expect(page.Locator("[data-testid=my-subscription-events]")).ToHaveTextAsync("job.completed, job.failed");

        // Someone else's job is not Mika's business; Mika's own failure reaches the webhook, signed with the shown secret.
        NotifyingApp.Finish(_app!, 8, JobStatus.Completed, submittedBy: "olga");
        NotifyingApp.Finish(_app!, 9, JobStatus.Failed, error: "out of memory", submittedBy: "mika");
        var request = await Eventually.Get(() => _receiver.Requests.TryPeek(out var r) ? r : null, TimeSpan.FromSeconds(30), "Mika's outcome");
        Assert.Equal(["job.failed:9"], WebhookPayload.EventIds(request.Body));
        Assert.True(ReceiverSignature.Verify(secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature")));
        Assert.Single(_receiver.Requests);

        await page.ClickAsync("[data-testid=my-subscriptions] button:has-text('Remove')");
        await Assertions.Expect(page.GetByText("No subscriptions yet.")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_creates_a_webhook_rule_sends_a_test_message_and_sees_it_in_the_delivery_log()
    {
        var page = await SignedInPageAsync("ada", "/admin/notifications");

        // The channel: a webhook to the receiver; its signing secret is shown once.
        await page.FillAsync("#channel-name", "ops");
        await page.FillAsync("#channel-url", _receiver!.Url.ToString());
        await page.ClickAsync("[data-testid=channel-add]");
        var secret = await page.Locator("[data-testid=channel-secret] code").InnerTextAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-testid=channel-row-name]")).ToHaveTextAsync("ops");

        // The rule: job outcomes to that channel.
        await page.FillAsync("#rule-name", "ops-outcomes");
        await page.Locator(".rule-form__channel").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "ops" }).ClickAsync();
        await page.FillAsync("#rule-events", "job.completed, job.failed");
        await page.ClickAsync("[data-testid=rule-add]");
        await Assertions.Expect(page.Locator("[data-testid=rule-row-name]")).ToHaveTextAsync("ops-outcomes");

        // The test message goes through the outbox; the log shows it delivered once the page reads it again.
        await page.ClickAsync("[data-testid=channel-test]");
        var row = page.Locator("[data-testid=delivery-log] tbody tr", new() { HasText = "Test message from AnimeProgress to ops" });
        await Eventually.True(
            () =>
            {
                page.ClickAsync("[data-testid=delivery-refresh]").GetAwaiter().GetResult();
                return row.Locator("[data-testid=delivery-state]").CountAsync().GetAwaiter().GetResult() == 1
                    && row.Locator("[data-testid=delivery-state]").InnerTextAsync().GetAwaiter().GetResult() == "delivered";
            },
            TimeSpan.FromSeconds(30), "the test message delivered in the log");
        await Assertions.Expect(row.Locator("[data-testid=delivery-channel]")).ToHaveTextAsync("ops");

        var request = Assert.Single(_receiver.Requests);
        Assert.True(ReceiverSignature.Verify(secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature")));
        using (var body = JsonDocument.Parse(request.Body))
        {
            Assert.Equal("test", body.RootElement.GetProperty("type").GetString());
        }

        // The rule is in force: a failed job reaches the receiver and the log too.
        NotifyingApp.Finish(_app!, 7, JobStatus.Failed, error: "out of memory");
        var failed = page.Locator("[data-testid=delivery-log] tbody tr", new() { HasText = "job.failed:7" });
        await Eventually.True(
            () =>
            {
                page.ClickAsync("[data-testid=delivery-refresh]").GetAwaiter().GetResult();
                return failed.CountAsync().GetAwaiter().GetResult() == 1
                    && failed.Locator("[data-testid=delivery-state]").InnerTextAsync().GetAwaiter().GetResult() == "delivered";
            },
            TimeSpan.FromSeconds(30), "the job's failure delivered in the log");
        Assert.Equal(2, _receiver.Requests.Count);
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignedInPageAsync(string name, string path)
    {
        var page = await (await Chromium.NewContextAsync(_browser!)).NewPageAsync();
        // The app notices the accounts within seconds of its start; until then this machine is the first start's Admin.
        await Eventually.True(
            () => page.GotoAsync(Root.ToString()).GetAwaiter().GetResult() is not null && page.Url.Contains("/login", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "sent to /login");
        await Chromium.SignInAsync(page, Root, name, Password, path);
        return page;
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

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}
