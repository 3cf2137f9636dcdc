using System.Security.Claims;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>The server-side checks behind /admin/notifications: Admin only, channels and rules stored (secrets encrypted) and in force, test messages and resends through the outbox, every change audited.</summary>
public sealed class NotificationAdministrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_defines_a_webhook_channel_and_rule_that_deliver_and_a_viewer_is_refused()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Settings());
        using var scope = app.Services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<NotificationAdministration>();
        var vera = User("vera", AppRoles.Viewer);
        var ada = User("ada", AppRoles.Admin);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.ChannelsAsync(vera, Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.AddChannelAsync(vera, new ChannelOptions { Name = "x", Type = "Webhook", Url = receiver.Url.ToString(), Secret = NotifyingApp.Secret }, Ct));

        Assert.Contains(await admin.AddChannelAsync(ada, new ChannelOptions { Name = "slack", Type = "Slack", Url = "https://example.com/not-slack" }, Ct), p => p.StartsWith("Url is not a Slack incoming webhook", StringComparison.Ordinal));
        Assert.Empty(await admin.AddChannelAsync(ada, new ChannelOptions { Name = "ops", Type = "Webhook", Url = receiver.Url.ToString(), Secret = NotifyingApp.Secret }, Ct));
        Assert.Empty(await admin.AddRuleAsync(ada, new RuleOptions { Name = "failures", Channel = "ops", Events = ["job.failed"] }, Ct));
        Assert.Equal(("ops", "http://127.0.0.1:" + receiver.Port + "/…", false), (await admin.ChannelsAsync(ada, Ct)).Select(c => (c.Name, c.Destination, c.FromConfiguration)).Single());

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct))
        {
            var row = await db.NotificationChannels.SingleAsync(Ct);
            Assert.StartsWith("dp:", row.Url);
            Assert.StartsWith("dp:", row.Secret);
        }

        NotifyingApp.Finish(app, 77, AnimeProgress.Core.Jobs.JobStatus.Failed, error: "boom");
        var request = await Eventually.Get(() => receiver.Requests.TryPeek(out var r) ? r : null, what: "the stored rule's webhook");
        Assert.True(ReceiverSignature.Verify(NotifyingApp.Secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature")));

        await admin.SendTestAsync(ada, "ops", Ct);
        await NotifyingApp.UntilAsync(async () => (await admin.DeliveriesAsync(ada, 10, Ct)).Count(d => d.State == DeliveryStates.Delivered) == 2, "the test message delivered");
        var log = await admin.DeliveriesAsync(ada, 10, Ct);
        Assert.Equal(NotificationEventTypes.Test, log[0].EventType);
        Assert.Equal("Test message from AnimeProgress to ops", log[0].Title);
        Assert.Equal("delivered", Assert.Single(log[0].Tries).Outcome);

        await admin.SendAgainAsync(ada, log[1].Id, Ct);
        await NotifyingApp.UntilAsync(() => Task.FromResult(receiver.Requests.Count == 3), "sent again");
        // Sent again under the same id: a receiver that keeps ids knows it has it.
        Assert.Equal(receiver.Requests.ElementAt(0).Header("webhook-id"), receiver.Requests.ElementAt(2).Header("webhook-id"));

        await NotifyingApp.UntilAsync(async () => (await AuditAsync(app)).Count >= 4, "audit entries");
        Assert.Equal(
            [(AuditActions.NotificationChannel, "ops"), (AuditActions.NotificationRule, "failures"), (AuditActions.NotificationSend, "ops"), (AuditActions.NotificationSend, $"delivery {log[1].Id}")],
            (await AuditAsync(app)).Select(a => (a.Action, a.Target)));
    }

    private static async Task<List<AuditEntryRow>> AuditAsync(AppHost app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        return await db.AuditLog.AsNoTracking().Where(a => a.Action.StartsWith("notification.")).OrderBy(a => a.Id).ToListAsync(Ct);
    }

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Role, role)], "test"));
}
