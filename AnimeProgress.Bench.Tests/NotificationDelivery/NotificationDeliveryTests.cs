using System.Text;
using AnimeProgress.Bench.NotificationDelivery;
using AnimeProgress.Core.Notifications;
using AnimeProgress.Web.Hosting.Edge;
using AnimeProgress.Web.Notifications;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Bench.Tests.NotificationDelivery;

public sealed class NotificationDeliveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_receiver_reads_the_apps_signed_payloads_single_and_digest_and_refuses_a_wrong_signature()
    {
        var secret = WebhookReceiver.NewSecret();
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        await using var receiver = await WebhookReceiver.StartAsync(secret, TimeSpan.Zero, 0, Ct);
        var links = new JobLinks(Options.Create(new NotificationOptions()), Options.Create(new NetworkOptions()));
        var single = WebhookPayload.Build(new OutgoingMessage("msg_1", [Event(1, T0)], "outcomes", T0), links);
        var digest = WebhookPayload.Build(new OutgoingMessage("dg_1", [Event(2, T0.AddMilliseconds(250)), Event(3, T0.AddSeconds(1))], "outcomes", T0), links);
        using var http = new HttpClient();

        await PostAsync(http, receiver.Url, "msg_1", single, WebhookSignature.Sign(key, "msg_1", 1, single));
        await PostAsync(http, receiver.Url, "dg_1", digest, WebhookSignature.Sign(key, "dg_1", 1, digest));
        await PostAsync(http, receiver.Url, "msg_2", single, WebhookSignature.Sign(new byte[32], "msg_2", 1, single));

        var requests = receiver.Requests.OrderBy(r => r.MessageId, StringComparer.Ordinal).ToList();
        Assert.Equal(["dg_1", "msg_1", "msg_2"], requests.Select(r => r.MessageId));
        Assert.Equal([true, true, false], requests.Select(r => r.Signed));
        Assert.Equal(["job.completed:2", "job.completed:3"], requests[0].Events.Select(e => e.Id));
        Assert.Equal(T0.AddMilliseconds(250), requests[0].Events[0].OccurredAt);
        Assert.Equal("job.completed", requests[1].Events[0].Type);
        Assert.Equal(1, DeliveryStats.Duplicates(requests));
    }

    [Fact]
    public async Task A_slow_receiver_answers_after_its_delay_and_notes_the_arrival_before_it()
    {
        var secret = WebhookReceiver.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync(secret, TimeSpan.FromMilliseconds(400), 1, Ct);
        using var http = new HttpClient();

        await PostAsync(http, receiver.Url, "msg_1", "{}", "v1,x");

        var request = Assert.Single(receiver.Requests);
        Assert.InRange((request.Answered - request.Arrived).TotalMilliseconds, 350, 10_000);
        Assert.Empty(request.Events);
    }

    [Fact]
    public void Latency_counts_each_event_once_from_its_first_arrival_and_only_events_after_the_warm_up()
    {
        ReceivedRequest At(double seconds, params ReceivedEvent[] events) =>
            new("m", T0.AddSeconds(seconds), T0.AddSeconds(seconds), true, events);
        var early = new ReceivedEvent("job.completed:1", "job.completed", T0);
        var late = new ReceivedEvent("job.failed:2", "job.failed", T0.AddSeconds(10));
        var other = new ReceivedEvent("job.completed:3", "job.completed", T0.AddSeconds(11));

        var latencies = DeliveryStats.Latencies([At(1, early), At(10.2, late), At(11.5, other), At(30, late)], T0.AddSeconds(5));

        Assert.Equal([200, 500], latencies.Select(l => Math.Round(l)));
        Assert.Equal(500, DeliveryStats.Percentile(latencies, 0.99), 3);
        Assert.Equal(200, DeliveryStats.Percentile(latencies, 0.5), 3);
    }

    [Fact]
    public void Throughput_counts_distinct_events_answered_within_the_window()
    {
        var requests = Enumerable.Range(0, 30).Select(i =>
            new ReceivedRequest($"m{i}", T0.AddSeconds(i), T0.AddSeconds(i * 4), true, [new ReceivedEvent($"job.completed:{i}", "job.completed", T0)])).ToList();

        // Answered at 0, 4, … 116 s: 15 of them in the first minute.
        Assert.Equal(15, DeliveryStats.PerMinute(requests, T0, T0.AddMinutes(1)), 3);
        Assert.Equal(7.5, DeliveryStats.PerMinute(requests, T0.AddMinutes(1), T0.AddMinutes(3)), 3);
    }

    [Fact]
    public void Memory_range_and_trend_tell_a_flat_series_from_a_growing_one()
    {
        Assert.Equal((100L, 120L, 130L), DeliveryStats.Range([null, 100, 130, null, 120]));
        Assert.Null(DeliveryStats.Range([null, null]));
        Assert.Equal(0, DeliveryStats.Slope([(0, 100), (1, 100), (2, 100)]), 6);
        Assert.Equal(25, DeliveryStats.Slope([(0, 100), (1, 125), (2, 150), (3, 175)]), 6);
    }

    [Fact]
    public void The_heap_is_the_sum_over_generations_of_the_prometheus_metric()
    {
        const string text = """
            # TYPE dotnet_gc_last_collection_heap_size_bytes gauge
            dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen0"} 1000 1733540000000
            dotnet_gc_last_collection_heap_size_bytes{gc_heap_generation="gen2"} 2.5e6
            dotnet_gc_last_collection_heap_size_bytes_other 7
            dotnet_gc_heap_total_allocated_bytes_total 99
            """;

        Assert.Equal(2_501_000L, AppSampler.PrometheusSum(text, "dotnet_gc_last_collection_heap_size_bytes"));
        Assert.Null(AppSampler.PrometheusSum(text, "process_memory_usage_bytes"));
    }

    [Theory]
    [InlineData("--phase", "fast")]
    [InlineData("--rate", "0")]
    [InlineData("--failure-rate", "1.5")]
    [InlineData("--minutes", "none")]
    [InlineData("--events")]
    public async Task Bad_arguments_print_the_usage(params string[] args)
    {
        using var output = new StringWriter();

        var code = await new NotificationDeliveryCommand().RunAsync(args, output, Ct);

        Assert.Equal(2, code);
        Assert.Contains("usage: notify", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_read_the_phase_and_the_slow_receivers_shape()
    {
        Assert.True(NotifyOptions.TryParse(["--phase", "slow", "--delay", "2.5", "--receiver-concurrency", "4", "--digest-after", "20", "--retained", "50"], out var options, out _));

        Assert.False(options.Healthy);
        Assert.True(options.Slow);
        Assert.Equal(2.5, options.DelaySeconds);
        Assert.Equal(4, options.ReceiverConcurrency);
        Assert.Equal(20, options.DigestAfter);
        Assert.Equal(50, options.Retained);
    }

    private static NotificationEvent Event(long job, DateTimeOffset at) => new()
    {
        Id = $"job.completed:{job}",
        Type = "job.completed",
        Subject = $"job:{job}",
        OccurredAt = at,
        Title = $"Job completed: Key art {job}",
        JobId = job,
    };

    private static async Task PostAsync(HttpClient http, Uri url, string id, string body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", "1");
        request.Headers.Add("webhook-signature", signature);
        using var response = await http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
    }
}
