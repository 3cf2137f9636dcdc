using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Notifications.Channels;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// Issue 18's restart test: the receiver is down, 100 events happen, the app is stopped and started again, the receiver
/// comes back: every event arrives exactly once (one message each without digests; across the digests with them).
/// </summary>
public sealed class NotificationRestartTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hundred_events_while_the_receiver_is_down_arrive_exactly_once_after_a_restart(bool digests)
    {
        var port = HttpReceiver.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/hook");
        var data = Directory.CreateTempSubdirectory("animeprogress-notify-").FullName;
        var extra = new Dictionary<string, string?> { ["AnimeProgress:Database:DataDirectory"] = data };
        if (digests)
        {
            extra["AnimeProgress:Notifications:Rules:0:DigestAfter"] = "10";
        }

        var settings = NotifyingApp.Webhook(url, extra: extra);
        await using (var first = AppHost.Start(settings))
        {
            for (var id = 1; id <= 100; id++)
            {
                NotifyingApp.Finish(first, id);
            }

            // Every outcome is in the outbox, and the sender has tried (connection refused) before the stop.
            await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(first)).Count == 100, "100 deliveries");
            await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(first)).Any(d => d.Attempts > 0), "a failed try");
        }

        await using var second = AppHost.Start(settings);
        await using var receiver = await HttpReceiver.StartAsync(port);
        await NotifyingApp.UntilAsync(
            async () => (await NotifyingApp.DeliveriesAsync(second)).All(d => d.State == DeliveryStates.Delivered),
            "every delivery delivered",
            TimeSpan.FromSeconds(120));

        var ids = receiver.Requests.SelectMany(r => WebhookPayload.EventIds(r.Body)).ToList();
        Assert.Equal(100, ids.Count);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"job.completed:{i}").Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        var messages = receiver.Requests.Select(r => r.Header("webhook-id")).ToList();
        Assert.Equal(messages.Count, messages.Distinct().Count());
        if (digests)
        {
            // Ten went one by one, the rest were folded into digests: the receiver was not flooded.
            Assert.InRange(receiver.Requests.Count, 11, 20);
            Assert.Contains(receiver.Requests, r => r.Header("webhook-id").StartsWith("dg_", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal(100, receiver.Requests.Count);
        }
    }
}
