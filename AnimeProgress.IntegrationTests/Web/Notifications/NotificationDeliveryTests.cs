using System.Net;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>Retries, dead letter and the bad receivers of issue 18, each against a real receiver in the test.</summary>
public sealed class NotificationDeliveryTests
{
    [Fact]
    public async Task A_receiver_that_answers_500_then_200_gets_the_same_message_id_again_and_it_is_delivered()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var calls = 0;
        receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 200;
            return Task.CompletedTask;
        };
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url));

        NotifyingApp.Finish(app, 1);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Delivered, "delivered");

        var requests = receiver.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
        Assert.Equal(requests[0].Body, requests[1].Body);
        var delivery = (await NotifyingApp.DeliveriesAsync(app)).Single();
        Assert.Equal(2, delivery.Attempts);
        Assert.Equal(["retried", "delivered"], (await NotifyingApp.AttemptsAsync(app)).Select(a => a.Outcome));
        Assert.Equal([500, 200], (await NotifyingApp.AttemptsAsync(app)).Select(a => a.StatusCode ?? 0));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_retried_with_backoff_until_the_dead_letter_time()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = (_, context) => { context.Response.StatusCode = 503; return context.Response.WriteAsync("down for maintenance"); };
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:DeadLetterAfter"] = "00:00:03",
        }));

        NotifyingApp.Finish(app, 2);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Dead, "dead letter");

        var delivery = (await NotifyingApp.DeliveriesAsync(app)).Single();
        Assert.InRange(delivery.Attempts, 3, 12);
        Assert.Equal("503 down for maintenance", delivery.LastResult);
        var attempts = await NotifyingApp.AttemptsAsync(app);
        Assert.Equal("dead", attempts[^1].Outcome);
        Assert.All(attempts.SkipLast(1), a => Assert.Equal("retried", a.Outcome));
        // Backoff: the waits between tries grow (0.2 s, 0.4 s, 0.8 s, then the 1 s cap), never a tight loop.
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, g => Assert.True(g >= TimeSpan.FromMilliseconds(150), $"gap {g}"));
        Assert.Equal(receiver.Requests.Count, delivery.Attempts);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_times_out_and_is_tried_again()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = async (_, context) => await Task.Delay(Timeout.Infinite, context.RequestAborted);
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:AttemptTimeout"] = "00:00:01",
        }));

        NotifyingApp.Finish(app, 3);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.Attempts >= 2, "two timed-out tries");

        var delivery = (await NotifyingApp.DeliveriesAsync(app)).Single();
        Assert.Equal(DeliveryStates.Pending, delivery.State);
        Assert.Contains("no answer within", delivery.LastResult);
    }

    [Fact]
    public async Task A_ten_megabyte_answer_is_read_only_up_to_the_cap()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = async (_, context) =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            for (var i = 0; i < 160 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        };
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url));

        NotifyingApp.Finish(app, 4);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Delivered, "delivered");

        var attempt = (await NotifyingApp.AttemptsAsync(app)).Single();
        Assert.True(attempt.Answer!.Length <= NotificationAttemptRow.AnswerMaxLength);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_redirect_to_a_private_address_is_not_followed_and_the_delivery_is_dead()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = (_, context) => { context.Response.Redirect("http://10.0.0.5/admin"); return Task.CompletedTask; };
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url));

        NotifyingApp.Finish(app, 5);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Dead, "dead letter");

        Assert.Contains("redirect to http://10.0.0.5/admin not followed", (await NotifyingApp.DeliveriesAsync(app)).Single().LastResult);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_loopback_destination_nobody_allowed_is_refused_before_any_connection()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var settings = NotifyingApp.Webhook(receiver.Url);
        settings.Remove("AnimeProgress:Notifications:AllowedDestinations:0");
        await using var app = AppHost.Start(settings);

        NotifyingApp.Finish(app, 6);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Dead, "dead letter");

        Assert.Contains("internal network", (await NotifyingApp.DeliveriesAsync(app)).Single().LastResult);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_rule_whose_filter_matches_nothing_sends_nothing()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:Rules:0:Instance"] = "gpu-that-does-not-exist",
            // A second rule that does match, so the test knows the outbox has been written.
            ["AnimeProgress:Notifications:Channels:1:Name"] = "other",
            ["AnimeProgress:Notifications:Channels:1:Type"] = "Webhook",
            ["AnimeProgress:Notifications:Channels:1:Url"] = receiver.Url + "?other",
            ["AnimeProgress:Notifications:Channels:1:Secret"] = NotifyingApp.Secret,
            ["AnimeProgress:Notifications:Rules:1:Channel"] = "other",
            ["AnimeProgress:Notifications:Rules:1:Events:0"] = "job.completed",
            ["AnimeProgress:Notifications:Rules:1:Submitter"] = "mika",
        }));

        NotifyingApp.Finish(app, 7, submittedBy: "mika");
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).Any(d => d.State == DeliveryStates.Delivered), "the matching rule's delivery");

        Assert.Equal(["other"], (await NotifyingApp.DeliveriesAsync(app)).Select(d => d.Channel));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Stopping_and_starting_the_app_again_never_raises_an_outcome_twice()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var data = Directory.CreateTempSubdirectory("animeprogress-notify-").FullName;
        var settings = NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?> { ["AnimeProgress:Database:DataDirectory"] = data });
        await using (var first = AppHost.Start(settings))
        {
            NotifyingApp.Finish(first, 11);
            await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(first)).SingleOrDefault()?.State == DeliveryStates.Delivered, "delivered");
        }

        await using var second = AppHost.Start(settings);
        // The same outcome published again (a restored job written once more) is the same event.
        NotifyingApp.Finish(second, 11);
        NotifyingApp.Finish(second, 12);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(second)).Count(d => d.State == DeliveryStates.Delivered) == 2, "the second job delivered");
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(["job.completed:11", "job.completed:12"], receiver.Requests.SelectMany(r => AnimeProgress.Web.Notifications.Channels.WebhookPayload.EventIds(r.Body)));
    }

    [Fact]
    public async Task Finished_deliveries_are_removed_after_the_retention_period_and_pending_ones_stay()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:Retention"] = "00:00:01",
        }));
        NotifyingApp.Finish(app, 1);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Delivered, "delivered");
        receiver.Respond = (_, context) => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        NotifyingApp.Finish(app, 2);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).Any(d => d.EventId == "job.completed:2" && d.Attempts > 0), "a failed try");
        await Task.Delay(1500, TestContext.Current.CancellationToken);

        await app.Services.GetRequiredService<NotificationSender>().SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["job.completed:2"], (await NotifyingApp.DeliveriesAsync(app)).Select(d => d.EventId));
        Assert.All(await NotifyingApp.AttemptsAsync(app), a => Assert.NotEqual("delivered", a.Outcome));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        // The delivered job's event went with its delivery; the pending one's stays (and so does an open condition's, e.g. queue.empty).
        var events = await db.NotificationEvents.Select(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains("job.completed:2", events);
        Assert.DoesNotContain("job.completed:1", events);
    }
}
