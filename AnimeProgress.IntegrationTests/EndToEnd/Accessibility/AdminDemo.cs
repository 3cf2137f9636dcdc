using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;
using AnimeProgress.Core.Submission;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Notifications;
using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// The demo with what the admin pages show when they are in use, so their controls are there to check: accounts of each
/// role (the Admin "ada" signs in), a configured webhook channel and rule whose deliveries reach a receiver, jobs that
/// fail now and then, and jobs waiting in the fleet queue (pinned to a drained instance, so they stay) next to one
/// that was cancelled, the Admin's API keys (one active, one revoked) and a "my jobs" webhook subscription. Its own app: accounts end the first start, which the shared browser tests rely on.
/// </summary>
internal sealed class AdminDemo : IAsyncDisposable
{
    public const string Admin = "ada";
    public const string Password = "a long enough password";

    /// <summary>The titles of the jobs that wait in the fleet queue, in the order they were queued.</summary>
    public static readonly IReadOnlyList<string> Waiting = ["Key art A", "Key art B", "Key art C"];

    public const string Cancelled = "Key art cancelled";

    /// <summary>The Admin's API keys made at start: the first stays active, the second is revoked.</summary>
    public static readonly IReadOnlyList<string> Keys = ["render pipeline", "old pipeline"];

    private readonly HttpReceiver _receiver;

    private AdminDemo(HttpReceiver receiver, AppHost app)
    {
        _receiver = receiver;
        App = app;
    }

    public AppHost App { get; }

    public Uri Root => App.BaseAddress;

    /// <summary>The webhook receiver's address (loopback is allowed as a destination here).</summary>
    public Uri HookUrl => _receiver.Url;

    public static async Task<AdminDemo> StartAsync(CancellationToken cancellationToken)
    {
        var receiver = await HttpReceiver.StartAsync();
        var settings = NotifyingApp.Webhook(receiver.Url, "job.completed,job.failed");
        // The demo runs here (Webhook's defaults are for a quiet app); a fifth of its jobs fail, and the waiting jobs
        // below do not hold back the ones it runs.
        settings["AnimeProgress:Demo:Enabled"] = "true";
        settings["AnimeProgress:Demo:FailureRate"] = "0.2";
        settings["AnimeProgress:Demo:MaxActiveJobs"] = "10";
        var app = AppHost.StartDemo(timeScale: 0.6, settings);
        foreach (var (name, role) in new[] { (Admin, "Admin"), ("olga", "Operator"), ("vik", "Viewer") })
        {
            await Browser.AddUserAsync(app, name, role, Password);
        }

        await QueueWaitingJobsAsync(app, cancellationToken);
        await AddAdminKeysAndSubscriptionAsync(app, receiver.Url, cancellationToken);
        return new AdminDemo(receiver, app);
    }

    /// <summary>A new browser context at this size and theme, signed in as the Admin, on the dashboard.</summary>
    public async Task<IPage> SignedInPageAsync(IBrowser browser, Viewing viewing)
    {
        var page = await NewPageAsync(browser, viewing);
        await OpenSignInFormAsync(page);
        await Chromium.SignInAsync(page, Root, Admin, Password);
        return page;
    }

    public static async Task<IPage> NewPageAsync(IBrowser browser, Viewing viewing)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = viewing.Width, Height = viewing.Height },
            ColorScheme = viewing.Scheme,
            // Snackbars and ripples at rest: axe measures the colours a person reads, not a frame of a fade.
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(45_000);
        return await context.NewPageAsync();
    }

    /// <summary>The accounts exist, so even this machine is sent to the sign-in form (the app notices within seconds).</summary>
    public Task OpenSignInFormAsync(IPage page, string path = "login") =>
        Eventually.True(() => page.GotoAsync(new Uri(Root, path).ToString()).GetAwaiter().GetResult() is not null
            && page.Locator("input[name=userName]").CountAsync().GetAwaiter().GetResult() == 1, TimeSpan.FromSeconds(30), "the sign-in form");

    private static async Task QueueWaitingJobsAsync(AppHost app, CancellationToken cancellationToken)
    {
        var hub = app.Services.GetRequiredService<ProgressHub>();
        await Eventually.True(() => hub.Instances.Count(i => i.Online && i.Devices.Count > 0) == 2, TimeSpan.FromSeconds(30), "both demo instances online");
        var drained = hub.Instances.Select(i => i.Name).Order(StringComparer.Ordinal).Last();
        var actions = app.Services.GetRequiredService<QueueActions>();
        Assert.True((await actions.SetDrainingAsync(drained, draining: true, Admin, cancellationToken)).Succeeded);

        var queue = app.Services.GetRequiredService<FleetQueue>();
        foreach (var title in Waiting)
        {
            await queue.EnqueueAsync(Pinned(title, drained), cancellationToken);
        }

        var cancelled = await queue.EnqueueAsync(Pinned(Cancelled, drained), cancellationToken);
        Assert.True((await actions.CancelAsync(cancelled, cancellationToken)).Succeeded);
        await Eventually.True(() => hub.Find(cancelled)?.Status == JobStatus.Cancelled, TimeSpan.FromSeconds(30), "the cancelled job ended");
    }

    /// <summary>What the keys page and "My notifications" show once the Admin has used them, made as the signed-in Admin would.</summary>
    private static async Task AddAdminKeysAndSubscriptionAsync(AppHost app, Uri hook, CancellationToken cancellationToken)
    {
        using var scope = app.Services.CreateScope();
        var keys = scope.ServiceProvider.GetRequiredService<KeyManagement>();
        var asAdmin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, Admin), new Claim(ClaimTypes.Role, AppRoles.Admin)], "test"));
        var adminId = (await keys.OwnersAsync(asAdmin, cancellationToken)).Single(o => o.Name == Admin).Id;
        var made = new List<long>();
        foreach (var name in Keys)
        {
            made.Add((await keys.CreateAsync(asAdmin, adminId, name, ApiScope.Read | ApiScope.Submit, null, cancellationToken)).Key.Id);
        }

        await keys.RevokeAsync(asAdmin, made[^1], cancellationToken);
        var mine = scope.ServiceProvider.GetRequiredService<MyJobNotifications>();
        var (problems, _) = await mine.SubscribeWebhookAsync(asAdmin, hook.ToString(), ["job.completed, job.failed"], cancellationToken);
        Assert.Empty(problems);
    }

    private static JobRequest Pinned(string title, string instance) =>
        DemoWorkflows.Image(title, 3, seed: title.Length) with { Instance = instance, SubmittedBy = Admin };

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}
