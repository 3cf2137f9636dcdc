using System.Security.Claims;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.WallScreens;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Cli;
using AnimeProgress.Web.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// "My jobs" subscriptions behind the profile's notifications page: a signed-in person's personal webhook receives
/// events about the jobs they submitted and nobody else's; each person sees and removes only their own; people without
/// an account of their own are refused; bad input is refused before anything is stored. By e-mail, the mail goes to the
/// account's own address through the studio's e-mail channel (a real SMTP server started in the test).
/// </summary>
public sealed class MyJobNotificationsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_subscribes_a_webhook_to_their_own_jobs_and_receives_only_those()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Settings());
        using var scope = app.Services.CreateScope();
        var mine = scope.ServiceProvider.GetRequiredService<MyJobNotifications>();
        var mika = User("mika", AppRoles.Viewer);
        var olga = User("olga", AppRoles.Operator);

        // Bad input: nothing stored.
        Assert.Contains((await mine.SubscribeWebhookAsync(mika, "not a url", ["job.completed"], Ct)).Problems, p => p.StartsWith("Url ", StringComparison.Ordinal));
        Assert.Contains((await mine.SubscribeWebhookAsync(mika, receiver.Url.ToString(), ["job.completed, queue.empty"], Ct)).Problems, p => p.Contains("'queue.empty'", StringComparison.Ordinal));
        Assert.Contains((await mine.SubscribeWebhookAsync(mika, receiver.Url.ToString(), [""], Ct)).Problems, p => p.StartsWith("Choose", StringComparison.Ordinal));
        Assert.Empty(await mine.ListAsync(mika, Ct));

        // No account of one's own: refused.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => mine.SubscribeWebhookAsync(new ClaimsPrincipal(new ClaimsIdentity()), receiver.Url.ToString(), ["job.completed"], Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => mine.ListAsync(FirstStartAccess.Principal(), Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => mine.ListAsync(WallScreenAccess.Principal(), Ct));

        var (problems, secret) = await mine.SubscribeWebhookAsync(mika, receiver.Url.ToString(), ["job.completed, job.failed"], Ct);
        Assert.Empty(problems);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var subscription = Assert.Single(await mine.ListAsync(mika, Ct));
        Assert.Equal(("job.completed, job.failed", $"http://127.0.0.1:{receiver.Port}/…"), (subscription.Events, subscription.Destination));
        Assert.Empty(await mine.ListAsync(olga, Ct));
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct))
        {
            Assert.StartsWith("dp:", (await db.NotificationChannels.SingleAsync(Ct)).Url);
        }

        // Olga cannot remove Mika's; Olga's jobs and job events Mika did not ask for do not reach Mika's webhook.
        await mine.RemoveAsync(olga, subscription.Name, Ct);
        Assert.Single(await mine.ListAsync(mika, Ct));
        NotifyingApp.Finish(app, 1, JobStatus.Failed, error: "out of memory", submittedBy: "mika");
        NotifyingApp.Finish(app, 2, JobStatus.Completed, submittedBy: "olga");
        NotifyingApp.Finish(app, 3, JobStatus.Cancelled, submittedBy: "mika");
        NotifyingApp.Finish(app, 4, JobStatus.Completed, submittedBy: "MIKA");
        await NotifyingApp.UntilAsync(() => Task.FromResult(receiver.Requests.Count >= 2), "Mika's two outcomes");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(["job.completed:4", "job.failed:1"], receiver.Requests.SelectMany(r => WebhookPayload.EventIds(r.Body)).Order(StringComparer.Ordinal));
        foreach (var request in receiver.Requests)
        {
            Assert.True(ReceiverSignature.Verify(secret!, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature")));
        }

        // Removed: the next job of Mika's goes nowhere.
        await mine.RemoveAsync(mika, subscription.Name, Ct);
        Assert.Empty(await mine.ListAsync(mika, Ct));
        NotifyingApp.Finish(app, 5, JobStatus.Completed, submittedBy: "mika");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_person_subscribes_their_own_address_and_gets_exactly_one_mail_for_their_own_job()
    {
        using var smtp = SmtpReceiver.Start();
        await using var app = AppHost.Start(NotifyingApp.Settings(StudioMail(smtp.Port)));
        await Browser.AddUserAsync(app, "mika", "Viewer", Password);
        await Browser.AddUserAsync(app, "olga", "Operator", Password);
        await SetEmailAsync(app, "mika", "mika@studio.example");
        await SetEmailAsync(app, "olga", "olga@studio.example");
        using var scope = app.Services.CreateScope();
        var mine = scope.ServiceProvider.GetRequiredService<MyJobNotifications>();
        var mika = User("mika", AppRoles.Viewer);

        Assert.Equal(("mika@studio.example", null), await mine.EmailAsync(mika, Ct));
        Assert.Contains((await mine.SubscribeEmailAsync(mika, ["job.completed, queue.empty"], Ct)), p => p.Contains("'queue.empty'", StringComparison.Ordinal));
        Assert.Empty(await mine.SubscribeEmailAsync(mika, ["job.completed, job.failed"], Ct));
        var subscription = Assert.Single(await mine.ListAsync(mika, Ct));
        Assert.Equal(("job.completed, job.failed", "e-mail to mika@studio.example"), (subscription.Events, subscription.Destination));
        await NotifyingApp.UntilAsync(() => AuditedAsync(app, "subscribed to own jobs: job.completed,job.failed → e-mail to mika@studio.example"), "the audit entry");
        var channels = await scope.ServiceProvider.GetRequiredService<NotificationAdministration>().ChannelsAsync(User("ada", AppRoles.Admin), Ct);
        Assert.Equal("mika's own address", channels.Single(c => c.Name == subscription.Name).Destination);

        // Olga's job is not Mika's business (Olga subscribed nothing); Mika's failure is one mail to Mika only.
        NotifyingApp.Finish(app, 21, JobStatus.Completed, submittedBy: "olga");
        NotifyingApp.Finish(app, 22, JobStatus.Failed, error: "CUDA out of memory", submittedBy: "mika");
        var mail = await Eventually.Get(() => smtp.Messages.TryPeek(out var m) ? m : null, what: "Mika's mail");
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).All(d => d.State != DeliveryStates.Pending), "every delivery finished");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.Single(smtp.Messages);
        Assert.Equal("Job failed: Key art 22", mail.Subject);
        Assert.Equal(["mika@studio.example"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("progress@studio.example", mail.From.Mailboxes.Single().Address);
        Assert.Contains("CUDA out of memory", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Status: failed", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://progress.studio.example/jobs/22", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://progress.studio.example/jobs/22\">Open the job page</a>", mail.HtmlBody, StringComparison.Ordinal);

        // The address is the account's at send time: once an Admin removes it, Mika's next job is not mailed anywhere.
        await SetEmailAsync(app, "mika", null);
        NotifyingApp.Finish(app, 23, JobStatus.Completed, submittedBy: "mika");
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).Any(d => d.EventId == "job.completed:23" && d.State == DeliveryStates.Dead), "the undeliverable mail given up");
        Assert.Contains("has no e-mail address", (await NotifyingApp.DeliveriesAsync(app)).Single(d => d.EventId == "job.completed:23").LastResult, StringComparison.Ordinal);
        Assert.Single(smtp.Messages);
        Assert.Equal("e-mail to (your account has no e-mail address now)", Assert.Single(await mine.ListAsync(mika, Ct)).Destination);

        // At most MaxPerAccount subscriptions, e-mail and webhooks together; removable like a webhook.
        await SetEmailAsync(app, "mika", "mika@studio.example");
        for (var i = 1; i < MyJobNotifications.MaxPerAccount; i++)
        {
            Assert.Empty(await mine.SubscribeEmailAsync(mika, ["job.completed"], Ct));
        }

        Assert.Contains(await mine.SubscribeEmailAsync(mika, ["job.completed"], Ct), p => p.Contains("remove one first", StringComparison.Ordinal));
        await mine.RemoveAsync(mika, subscription.Name, Ct);
        Assert.Equal(MyJobNotifications.MaxPerAccount - 1, (await mine.ListAsync(mika, Ct)).Count);
    }

    [Fact]
    public async Task Without_a_studio_server_or_an_address_the_person_is_told_why_and_nothing_is_stored()
    {
        // The studio's channel is named but not there yet: e-mail is unavailable until an Admin adds it on the page.
        await using var app = AppHost.Start(NotifyingApp.Settings(new Dictionary<string, string?> { ["AnimeProgress:Notifications:PersonalEmailChannel"] = "studio-mail" }));
        await Browser.AddUserAsync(app, "mika", "Viewer", Password);
        await Browser.AddUserAsync(app, "olga", "Operator", Password);
        await SetEmailAsync(app, "mika", "mika@studio.example");
        using var scope = app.Services.CreateScope();
        var mine = scope.ServiceProvider.GetRequiredService<MyJobNotifications>();
        var mika = User("mika", AppRoles.Viewer);
        var olga = User("olga", AppRoles.Operator);

        Assert.Equal((null, PersonalEmail.NoServer), await mine.EmailAsync(mika, Ct));
        Assert.Equal([PersonalEmail.NoServer], await mine.SubscribeEmailAsync(mika, ["job.completed"], Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => mine.SubscribeEmailAsync(WallScreenAccess.Principal(), ["job.completed"], Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => mine.EmailAsync(FirstStartAccess.Principal(), Ct));

        var admin = scope.ServiceProvider.GetRequiredService<NotificationAdministration>();
        Assert.Empty(await admin.AddChannelAsync(User("ada", AppRoles.Admin), new ChannelOptions
        {
            Name = "studio-mail", Type = "Email", SmtpHost = "127.0.0.1", SmtpPort = 25, SmtpSecurity = SmtpSecurity.None, From = "progress@studio.example", To = "ops@studio.example",
        }, Ct));
        Assert.Equal(("mika@studio.example", null), await mine.EmailAsync(mika, Ct));

        // Olga's account has no address: she is told how to get one, and nothing is stored.
        Assert.Equal((null, PersonalEmail.NoAddress), await mine.EmailAsync(olga, Ct));
        Assert.Equal([PersonalEmail.NoAddress], await mine.SubscribeEmailAsync(olga, ["job.completed"], Ct));
        Assert.Empty(await mine.ListAsync(olga, Ct));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(["studio-mail"], await db.NotificationChannels.Select(c => c.Name).ToListAsync(Ct));
        Assert.Empty(await db.NotificationRules.ToListAsync(Ct));
    }

    private const string Password = "a long enough password";

    /// <summary>The studio's e-mail channel (with a To list of its own that personal mail must not use), named for personal e-mail; no rule uses it.</summary>
    private static Dictionary<string, string?> StudioMail(int port) => new()
    {
        ["AnimeProgress:Notifications:Channels:0:Name"] = "studio-mail",
        ["AnimeProgress:Notifications:Channels:0:Type"] = "Email",
        ["AnimeProgress:Notifications:Channels:0:SmtpHost"] = "127.0.0.1",
        ["AnimeProgress:Notifications:Channels:0:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AnimeProgress:Notifications:Channels:0:SmtpSecurity"] = "None",
        ["AnimeProgress:Notifications:Channels:0:From"] = "progress@studio.example",
        ["AnimeProgress:Notifications:Channels:0:To"] = "ops@studio.example",
        ["AnimeProgress:Notifications:PersonalEmailChannel"] = "studio-mail",
    };

    /// <summary>An Admin sets (or, with null, removes) an account's address with the command line, as on a server.</summary>
    private static async Task SetEmailAsync(AppHost app, string name, string? address)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await UsersCommand.RunAsync(
            ["email", name, address ?? "--clear", $"--ConnectionStrings:AnimeProduction=Data Source={app.DatabaseFile}"],
            PasswordPrompt.FromText(new StringReader("")), output, error, Ct);
        Assert.True(code == 0, output.ToString() + error);
    }

    private static async Task<bool> AuditedAsync(AppHost app, string detail)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditLog.AnyAsync(a => a.Action == AuditActions.NotificationRule && a.Detail == detail, Ct);
    }

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Role, role)], "test"));
}
