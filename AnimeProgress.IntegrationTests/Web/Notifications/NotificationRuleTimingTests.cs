using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>Digests and quiet hours against a real receiver.</summary>
public sealed class NotificationRuleTimingTests
{
    [Fact]
    public async Task Past_the_digest_limit_events_within_a_minute_become_one_message_listing_them()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:Rules:0:DigestAfter"] = "3",
        }));

        for (var id = 1; id <= 30; id++)
        {
            NotifyingApp.Finish(app, id);
        }

        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).Count == 30, "30 deliveries");
        // The first three go at once; the rest wait for the digest, due a minute after it opened.
        await NotifyingApp.UntilAsync(() => Task.FromResult(receiver.Requests.Count == 3), "three single messages");
        var deliveries = await NotifyingApp.DeliveriesAsync(app);
        var digest = Assert.Single(deliveries.Where(d => d.DigestId is not null).Select(d => d.DigestId).Distinct());
        Assert.Equal(27, deliveries.Count(d => d.DigestId == digest));
        Assert.InRange(deliveries.First(d => d.DigestId == digest).NextAttemptAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));

        await NotifyingApp.UntilAsync(() => Task.FromResult(receiver.Requests.Count == 4), "the digest", TimeSpan.FromSeconds(90));
        var message = receiver.Requests.Last();
        Assert.Equal(digest, message.Header("webhook-id"));
        Assert.True(ReceiverSignature.Verify(NotifyingApp.Secret, digest!, message.Header("webhook-timestamp"), message.Body, message.Header("webhook-signature")));
        using var body = JsonDocument.Parse(message.Body);
        Assert.Equal("digest", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(27, body.RootElement.GetProperty("data").GetProperty("count").GetInt32());
        var all = receiver.Requests.SelectMany(r => WebhookPayload.EventIds(r.Body)).ToList();
        Assert.Equal(30, all.Distinct().Count());
        Assert.Equal(30, all.Count);

        // "Send again" on one of its rows sends the whole digest under its id: one event alone under that id would make
        // a receiver that dedupes drop the rest if they were sent again later.
        using var scope = app.Services.CreateScope();
        var ada = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ada"), new Claim(ClaimTypes.NameIdentifier, "ada"), new Claim(ClaimTypes.Role, AppRoles.Admin)], "test"));
        await scope.ServiceProvider.GetRequiredService<NotificationAdministration>().SendAgainAsync(ada, deliveries.Last(d => d.DigestId == digest).Id, TestContext.Current.CancellationToken);
        await NotifyingApp.UntilAsync(() => Task.FromResult(receiver.Requests.Count == 5), "the digest sent again");
        var again = receiver.Requests.Last();
        Assert.Equal(digest, again.Header("webhook-id"));
        Assert.Equal(WebhookPayload.EventIds(message.Body), WebhookPayload.EventIds(again.Body));
        Assert.Equal(27, WebhookPayload.EventIds(again.Body).Count);
    }

    [Fact]
    public async Task During_quiet_hours_deliveries_wait_for_their_end()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var start = now.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture);
        var end = now.AddHours(2).ToString("HH:mm", CultureInfo.InvariantCulture);
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:Rules:0:QuietHours"] = $"{start}-{end}",
            ["AnimeProgress:Notifications:Rules:0:TimeZone"] = "UTC",
            // Another rule without quiet hours shows the sender is running.
            ["AnimeProgress:Notifications:Channels:1:Name"] = "loud",
            ["AnimeProgress:Notifications:Channels:1:Type"] = "Webhook",
            ["AnimeProgress:Notifications:Channels:1:Url"] = receiver.Url + "?loud",
            ["AnimeProgress:Notifications:Channels:1:Secret"] = NotifyingApp.Secret,
            ["AnimeProgress:Notifications:Rules:1:Channel"] = "loud",
            ["AnimeProgress:Notifications:Rules:1:Events:0"] = "job.completed",
        }));

        NotifyingApp.Finish(app, 1);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).Any(d => d.Channel == "loud" && d.State == DeliveryStates.Delivered), "the loud rule's delivery");
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        var quiet = (await NotifyingApp.DeliveriesAsync(app)).Single(d => d.Channel == "hook");
        Assert.Equal((DeliveryStates.Pending, 0), (quiet.State, quiet.Attempts));
        var expectedEnd = new DateTimeOffset(now.AddHours(2).Year, now.AddHours(2).Month, now.AddHours(2).Day, now.AddHours(2).Hour, now.AddHours(2).Minute, 0, TimeSpan.Zero);
        Assert.Equal(expectedEnd, quiet.NextAttemptAt);
        Assert.Single(receiver.Requests);
    }
}
