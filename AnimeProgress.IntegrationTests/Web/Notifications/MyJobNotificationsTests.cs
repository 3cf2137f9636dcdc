using System.Security.Claims;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.WallScreens;
using AnimeProgress.Web.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// "My jobs" subscriptions behind the profile's notifications page: a signed-in person's personal webhook receives
/// events about the jobs they submitted and nobody else's; each person sees and removes only their own; people without
/// an account of their own are refused; bad input is refused before anything is stored.
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

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Role, role)], "test"));
}
