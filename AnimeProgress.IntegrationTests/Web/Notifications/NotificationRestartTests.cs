using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Core.Queue;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// Issue 18's restart test: the receiver is down, 100 jobs finish, AnimeProgress (its own process, on a SQLite file) is
/// killed and started again on the same database, the receiver comes back: every event arrives exactly once (one
/// message each without digests; across the digests with them).
/// </summary>
public sealed class NotificationRestartTests
{
    private const int Jobs = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hundred_events_while_the_receiver_is_down_arrive_exactly_once_after_a_kill(bool digests)
    {
        // Jobs a few steps long finish in a few hundredths of a second each: 100 outcomes within a minute.
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.01 }, Ct);
        var port = HttpReceiver.FreePort();
        var data = Directory.CreateTempSubdirectory("animeprogress-notify-kill-").FullName;
        var extra = new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = gpu.BaseUrl.ToString(),
            // One client id across both runs, as a restarted node keeps: the second run knows the first one's prompts.
            ["AnimeProgress:ComfyUi:ClientId"] = "animeprogress-notify-kill",
            ["AnimeProgress:Database:DataDirectory"] = data,
        };
        if (digests)
        {
            extra["AnimeProgress:Notifications:Rules:0:DigestAfter"] = "10";
        }

        // Configuration keys as environment variables, the way an operator sets them for a process.
        var environment = NotifyingApp.Webhook(new Uri($"http://127.0.0.1:{port}/hook"), extra: extra)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        var database = Database(data);

        var ids = new List<long>();
        await using (var first = await AppServerProcess.StartAsync(environment, Ct))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            for (var i = 0; i < Jobs; i++)
            {
                ids.Add(await SubmitAsync(http, $"Key art {i}"));
            }

            // Every outcome is in the outbox, and the sender has tried (connection refused) before the kill.
            await NotifyingApp.UntilAsync(async () => await DeliveriesAsync(database) is { Count: Jobs }, "100 deliveries", TimeSpan.FromSeconds(120));
            await NotifyingApp.UntilAsync(async () => await DeliveriesAsync(database) is { } tried && tried.Any(d => d.Attempts > 0), "a failed try");
            Assert.DoesNotContain((await DeliveriesAsync(database))!, d => d.State == DeliveryStates.Delivered);
            first.Kill();
        }

        await using var second = await AppServerProcess.StartAsync(environment, Ct);
        await using var receiver = await HttpReceiver.StartAsync(port);
        try
        {
            await NotifyingApp.UntilAsync(
                async () => await DeliveriesAsync(database) is { Count: Jobs } rows && rows.All(d => d.State == DeliveryStates.Delivered),
                "every delivery delivered",
                TimeSpan.FromSeconds(150));
        }
        catch (TimeoutException)
        {
            Assert.Fail("Not every delivery was delivered after the kill. Second run:\n" + Tail(second.Output));
        }

        var received = receiver.Requests.SelectMany(r => WebhookPayload.EventIds(r.Body)).ToList();
        Assert.Equal(Jobs, received.Count);
        Assert.Equal(ids.Select(i => $"job.completed:{i}").Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
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
            Assert.Equal(Jobs, receiver.Requests.Count);
        }
    }

    /// <summary>The test's own view of the app's SQLite file (unpooled: the file is deleted at the end).</summary>
    private static DbContextOptions<AnimeProgressDbContext> Database(string data) =>
        new DbContextOptionsBuilder<AnimeProgressDbContext>()
            .UseSqlite($"Data Source={Path.Combine(data, "animeprogress.db")};Pooling=False")
            .Options;

    private static async Task<List<NotificationDeliveryRow>?> DeliveriesAsync(DbContextOptions<AnimeProgressDbContext> options)
    {
        try
        {
            await using var db = new AnimeProgressDbContext(options);
            return await db.NotificationDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct);
        }
        catch (SqliteException)
        {
            // Not created yet, or the app holds the file for a write: asked again on the next probe.
            return null;
        }
    }

    private static async Task<long> SubmitAsync(HttpClient http, string title)
    {
        var body = new StringContent(new JsonObject { ["title"] = title, ["workflow"] = QueueFleet.Workflow() }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/jobs", body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;
}
