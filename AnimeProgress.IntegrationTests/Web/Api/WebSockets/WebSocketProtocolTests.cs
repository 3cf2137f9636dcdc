using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Submission;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Api.WebSockets;

/// <summary>The seed's protocol at /ws, spoken by a real ClientWebSocket to the running demo.</summary>
public sealed class WebSocketProtocolTests(DemoApiApp demo) : IClassFixture<DemoApiApp>
{
    private static readonly string[] SeedJobFields =
        ["id", "progress", "status", "current_stage", "frames_complete", "estimated_total_frames", "eta_seconds", "eta_formatted", "progress_rate"];

    private static readonly string[] SeedNumberFields =
        ["id", "progress", "frames_complete", "estimated_total_frames", "eta_seconds", "progress_rate"];

    private static readonly string[] KnownFlags = ["eta_known", "progress_rate_known", "frames_known"];

    private static readonly string[] SeedStatuses = ["queued", "processing", "completed", "failed", "cancelled"];

    private AppHost App => demo.App;

    [Fact]
    public async Task On_connect_the_client_gets_initial_jobs_with_every_active_job_in_the_seed_shape()
    {
        await Eventually.True(() => App.Hub.Jobs.Any(j => j.Status == JobStatus.Running), what: "a demo job running");
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);

        var initial = await client.ReceiveAsync() ?? throw new InvalidOperationException("closed");

        Assert.Equal("initial_jobs", WsClient.Type(initial));
        AssertUtcTimestamp(initial.GetProperty("timestamp"));
        var jobs = initial.GetProperty("jobs").EnumerateArray().ToList();
        Assert.NotEmpty(jobs);
        foreach (var job in jobs)
        {
            AssertSeedJobShape(job);
        }

        // Every job that was active before the connection opened is there (later ones arrive as updates).
        var ids = jobs.Select(j => j.GetProperty("id").GetInt64()).ToHashSet();
        var activeBefore = App.Hub.Jobs.Where(j => j.Status.IsActive() && j.CreatedAt < DateTimeOffset.UtcNow.AddSeconds(-5)).Select(j => j.Id);
        Assert.All(activeBefore.Where(id => App.Hub.Find(id)?.Status.IsActive() == true), id => Assert.Contains(id, ids));
    }

    [Fact]
    public async Task Updates_arrive_live_as_the_emulator_advances_a_job_until_it_completes()
    {
        var submitter = App.Services.GetRequiredService<JobSubmitter>();
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        var id = await submitter.SubmitAsync(
            DemoWorkflows.Video("API live test", frames: 48, steps: 16, seed: 7) with { Front = true },
            TestContext.Current.CancellationToken);

        var progress = new List<double>();
        var stages = new HashSet<string>();
        var done = await client.ReceiveUntilAsync(m =>
        {
            if (WsClient.Type(m) != "progress_update" || m.GetProperty("job").GetProperty("id").GetInt64() != id)
            {
                return false;
            }

            var job = m.GetProperty("job");
            AssertSeedJobShape(job);
            AssertUtcTimestamp(m.GetProperty("timestamp"));
            progress.Add(job.GetProperty("progress").GetDouble());
            stages.Add(job.GetProperty("current_stage").GetString()!);
            return job.GetProperty("status").GetString() == "completed";
        }, TimeSpan.FromSeconds(120), "the job's completion");

        var final = done.GetProperty("job");
        Assert.Equal(100, final.GetProperty("progress").GetDouble());
        Assert.Equal(48, final.GetProperty("frames_complete").GetInt32());
        Assert.Equal(48, final.GetProperty("estimated_total_frames").GetInt32());
        Assert.Equal("API live test", final.GetProperty("title").GetString());
        Assert.Equal("video", final.GetProperty("kind").GetString());
        Assert.Contains("Rendering", stages);
        Assert.True(progress.Distinct().Count() >= 3, $"progress seen: {string.Join(", ", progress)}");
        Assert.Equal(progress.Order(), progress);
    }

    [Fact]
    public async Task A_jobs_first_update_has_numbers_not_nulls_with_known_flags_false_until_they_are_measured()
    {
        var submitter = App.Services.GetRequiredService<JobSubmitter>();
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        // Steps no other demo job uses: a workflow without history, so nothing is known before it runs.
        var id = await submitter.SubmitAsync(DemoWorkflows.Image("Seed types test", steps: 37, seed: 11), TestContext.Current.CancellationToken);

        var first = (await client.ReceiveUntilAsync(m => WsClient.Type(m) == "progress_update" && JobId(m) == id, what: "the job's first update")).GetProperty("job");
        AssertSeedJobShape(first);
        Assert.False(first.GetProperty("progress_rate_known").GetBoolean(), $"no rate before it ran: {first}");
        Assert.Equal(0, first.GetProperty("progress_rate").GetDouble());
        Assert.False(first.GetProperty("eta_known").GetBoolean(), $"no ETA for an unseen workflow: {first}");
        Assert.Equal(0, first.GetProperty("eta_seconds").GetDouble());
        Assert.Equal("—", first.GetProperty("eta_formatted").GetString());
        // An image has no frames: zeros, and the flag says so.
        Assert.False(first.GetProperty("frames_known").GetBoolean());
        Assert.Equal(0, first.GetProperty("frames_complete").GetInt32());
        Assert.Equal(0, first.GetProperty("estimated_total_frames").GetInt32());

        var measured = (await client.ReceiveUntilAsync(m =>
        {
            if (WsClient.Type(m) != "progress_update" || JobId(m) != id)
            {
                return false;
            }

            var job = m.GetProperty("job");
            AssertSeedJobShape(job);
            return job.GetProperty("progress_rate_known").GetBoolean() && job.GetProperty("eta_known").GetBoolean();
        }, TimeSpan.FromSeconds(120), "an update with a measured rate and ETA")).GetProperty("job");
        Assert.True(measured.GetProperty("progress_rate").GetDouble() > 0, $"a measured rate: {measured}");
    }

    [Fact]
    public async Task Ping_gets_a_pong_with_a_UTC_timestamp()
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.SendAsync("""{"type":"ping"}""");

        var pong = await client.ReceiveTypeAsync("pong");

        AssertUtcTimestamp(pong.GetProperty("timestamp"));
    }

    [Fact]
    public async Task Subscribing_narrows_updates_to_that_job_and_sends_its_state_at_once()
    {
        var running = await Eventually.Get(() => App.Hub.Jobs.FirstOrDefault(j => j.Status == JobStatus.Running && j.Percent < 50), what: "a running job");
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        await client.SendAsync(new Dictionary<string, object> { ["type"] = "subscribe_job", ["job_id"] = running.Id });
        await client.SendAsync("""{"type":"ping"}""");

        // Everything after the pong is filtered; before it, an update of another job may already have been on its way.
        var beforePong = new List<JsonElement>();
        await client.ReceiveUntilAsync(m => { beforePong.Add(m); return WsClient.Type(m) == "pong"; });
        Assert.Contains(beforePong, m => WsClient.Type(m) == "progress_update" && JobId(m) == running.Id);

        var publishedBefore = App.Hub.PublishedCount;
        var after = await ReadFor(client, TimeSpan.FromSeconds(3));
        Assert.True(App.Hub.PublishedCount > publishedBefore, "other jobs kept changing meanwhile");
        Assert.All(after.Where(m => WsClient.Type(m) == "progress_update"), m => Assert.Equal(running.Id, JobId(m)));
    }

    [Fact]
    public async Task Several_subscriptions_are_kept_and_unsubscribing_the_last_brings_back_every_job()
    {
        var two = await Eventually.Get(
            () => App.Hub.Jobs.Where(j => j.Status == JobStatus.Running).Take(2).ToList() is { Count: 2 } l ? l : null,
            TimeSpan.FromSeconds(60),
            "two running jobs");
        var (a, b) = (two[0].Id, two[1].Id);
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        await client.SendAsync(new Dictionary<string, object> { ["type"] = "subscribe_job", ["job_id"] = a });
        await client.SendAsync(new Dictionary<string, object> { ["type"] = "subscribe_job", ["job_id"] = b });
        await client.SendAsync(new Dictionary<string, object> { ["type"] = "unsubscribe_job", ["job_id"] = a });
        await client.SendAsync("""{"type":"ping"}""");
        await client.ReceiveTypeAsync("pong");

        var onlyB = await ReadFor(client, TimeSpan.FromSeconds(2.5));
        Assert.All(onlyB.Where(m => WsClient.Type(m) == "progress_update"), m => Assert.Equal(b, JobId(m)));

        await client.SendAsync(new Dictionary<string, object> { ["type"] = "unsubscribe_job", ["job_id"] = b });
        await client.ReceiveUntilAsync(m => WsClient.Type(m) == "progress_update" && JobId(m) != b, TimeSpan.FromSeconds(60), "an update of another job");
    }

    [Fact]
    public async Task A_finished_job_known_only_to_the_database_can_be_subscribed()
    {
        var contexts = App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        const long storedId = 77_000_001;
        await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            db.ProductionJobs.Add(new ProductionJobRow
            {
                Id = storedId,
                Title = "Archived cut",
                Status = "completed",
                CurrentStage = "Completed",
                Progress = 100,
                CreatedAt = DateTimeOffset.UtcNow.AddDays(-3),
                UpdatedAt = DateTimeOffset.UtcNow.AddDays(-3),
                CompletedAt = DateTimeOffset.UtcNow.AddDays(-3),
            });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");
        await client.SendAsync(new Dictionary<string, object> { ["type"] = "subscribe_job", ["job_id"] = storedId });

        var update = await client.ReceiveUntilAsync(m => WsClient.Type(m) == "progress_update" && JobId(m) == storedId);
        Assert.Equal("completed", update.GetProperty("job").GetProperty("status").GetString());
        Assert.Equal("Archived cut", update.GetProperty("job").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("not json at all", "Invalid JSON", "invalid_json")]
    [InlineData("{\"type\":\"ping\"", "Invalid JSON", "invalid_json")]
    [InlineData("[1,2,3]", "Message must be a JSON object", "invalid_message")]
    [InlineData("{\"job_id\":1}", "Missing message type", "invalid_message")]
    [InlineData("{\"type\":\"dance\"}", "Unknown message type: dance", "unknown_type")]
    [InlineData("{\"type\":\"subscribe_job\"}", "Missing job_id", "invalid_job_id")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":null}", "Missing job_id", "invalid_job_id")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":\"abc\"}", "job_id must be a number", "invalid_job_id")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":1.5}", "job_id must be a number", "invalid_job_id")]
    [InlineData("{\"type\":\"unsubscribe_job\",\"job_id\":true}", "job_id must be a number", "invalid_job_id")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":987654321}", "Unknown job: 987654321", "unknown_job")]
    public async Task A_message_the_server_cannot_take_gets_an_error_and_the_connection_stays_open(string sent, string message, string code)
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        await client.SendAsync(sent);
        var error = await client.ReceiveTypeAsync("error");

        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        await client.SendAsync("""{"type":"ping"}""");
        await client.ReceiveTypeAsync("pong");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task A_binary_frame_gets_an_error_and_the_connection_stays_open()
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, TestContext.Current.CancellationToken);

        var error = await client.ReceiveTypeAsync("error");

        Assert.Equal("Binary frames are not supported; send JSON text", error.GetProperty("message").GetString());
        await client.SendAsync("""{"type":"ping"}""");
        await client.ReceiveTypeAsync("pong");
    }

    [Fact]
    public async Task A_client_close_is_answered_with_a_normal_close()
    {
        var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", TestContext.Current.CancellationToken);

        Assert.Equal(WebSocketState.Closed, client.Socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
        await client.DisposeAsync();
    }

    private static long JobId(JsonElement message) => message.GetProperty("job").GetProperty("id").GetInt64();

    /// <summary>
    /// What arrives during a window. Cancelling a receive would abort a ClientWebSocket, so the window
    /// is closed with a ping instead: everything before the pong was sent within it.
    /// </summary>
    private static async Task<List<JsonElement>> ReadFor(WsClient client, TimeSpan window)
    {
        await Task.Delay(window, TestContext.Current.CancellationToken);
        await client.SendAsync("""{"type":"ping"}""");
        var messages = new List<JsonElement>();
        await client.ReceiveUntilAsync(m =>
        {
            messages.Add(m);
            return WsClient.Type(m) == "pong";
        });
        return messages;
    }

    private static void AssertSeedJobShape(JsonElement job)
    {
        foreach (var field in SeedJobFields)
        {
            Assert.True(job.TryGetProperty(field, out _), $"job has {field}: {job}");
        }

        Assert.Equal(JsonValueKind.Number, job.GetProperty("id").ValueKind);
        Assert.InRange(job.GetProperty("progress").GetDouble(), 0, 100);
        Assert.Contains(job.GetProperty("status").GetString(), SeedStatuses);
        Assert.False(string.IsNullOrEmpty(job.GetProperty("current_stage").GetString()));
        Assert.False(string.IsNullOrEmpty(job.GetProperty("eta_formatted").GetString()));
        // Every number of the seed's shape is a number, always: a seed client formats them without a null check.
        foreach (var field in SeedNumberFields)
        {
            Assert.True(job.GetProperty(field).ValueKind == JsonValueKind.Number, $"{field} is a number: {job}");
        }

        foreach (var flag in KnownFlags)
        {
            Assert.True(job.GetProperty(flag).ValueKind is JsonValueKind.True or JsonValueKind.False, $"{flag} is a boolean: {job}");
        }
    }

    private static void AssertUtcTimestamp(JsonElement timestamp)
    {
        var text = timestamp.GetString()!;
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        var parsed = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
