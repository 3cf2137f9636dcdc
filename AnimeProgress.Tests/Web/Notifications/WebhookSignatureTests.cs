using System.Diagnostics.Metrics;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Web.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Notifications;

/// <summary>The signature matches the Standard Webhooks reference vector; the backoff grows to its cap; the meter counts outcomes.</summary>
public sealed class WebhookSignatureTests
{
    [Fact]
    public void The_signature_matches_the_standard_webhooks_reference_vector()
    {
        Assert.True(WebhookSecret.TryDecode("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", out var key));
        var signature = WebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        Assert.True(WebhookSignature.Verify(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}", "v1,bogus " + signature));
        Assert.False(WebhookSignature.Verify(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, "{\"test\": 2432232314}", signature));
    }

    [Fact]
    public void The_backoff_doubles_from_the_first_wait_up_to_the_cap()
    {
        var options = new NotificationOptions { RetryInitialDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromMinutes(1) };
        Assert.Equal(
            [2, 4, 8, 16, 32, 60, 60],
            Enumerable.Range(1, 7).Select(n => DeliveryBackoff.After(n, options, jitter: 0).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(54), DeliveryBackoff.After(20, options, jitter: 1));
    }

    [Fact]
    public void The_meter_counts_each_try_by_channel_type_and_outcome()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new NotificationMetrics(services.GetRequiredService<IMeterFactory>());
        var seen = new List<(long, string, string)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NotificationMetrics.MeterName && instrument.Name == "animeprogress.notifications.deliveries")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value as string);
            seen.Add((value, t["channel_type"]!, t["outcome"]!));
        });
        listener.Start();

        metrics.Delivery(ChannelType.Slack, "retried");
        metrics.Delivery(ChannelType.Email, "dead");
        metrics.Delivery(ChannelType.Webhook, "delivered");

        Assert.Equal([(1L, "slack", "retried"), (1L, "email", "dead"), (1L, "webhook", "delivered")], seen);
    }
}
