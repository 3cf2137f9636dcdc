using System.Net;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>The newer generation's job API (reference §9): /api/jobs, /api/jobs/{id} and the two cancel routes.</summary>
public sealed class JobApiTests
{
    private static JsonObject FailAt(string node) =>
        new() { ["extra_data"] = new JsonObject { ["emulator"] = new JsonObject { ["fail_node"] = node, ["fail_message"] = "boom" } } };

    [Fact]
    public async Task The_0_3_64_server_has_no_job_api()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (response, _) = await emulator.GetAsync("api/jobs");
        var (cancel, _) = await emulator.PostAsync("api/jobs/cancel", new JsonObject { ["job_ids"] = new JsonArray() });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel);
    }

    [Fact]
    public async Task A_completed_job_lists_its_times_counts_and_preview_with_absent_fields_pruned()
    {
        await using var emulator = await StartNewerAsync();
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(batch: 2, prefix: "shots/take"), clientId: null);
        var entry = await emulator.WaitForHistoryAsync(promptId);

        var list = await emulator.GetJsonAsync("api/jobs");

        var job = Assert.Single(list["jobs"]!.AsArray())!.AsObject();
        Assert.Equal(
            ["id", "status", "priority", "create_time", "execution_start_time", "execution_end_time", "outputs_count", "previewable_outputs_count", "preview_output"],
            job.Select(p => p.Key));
        Assert.Equal(promptId, job["id"]!.GetValue<string>());
        Assert.Equal("completed", job["status"]!.GetValue<string>());
        Assert.Equal(0, (int)job["priority"]!);
        var messages = entry["status"]!["messages"]!.AsArray();
        Assert.Equal((long)messages[0]![1]!["timestamp"]!, (long)job["execution_start_time"]!);
        Assert.Equal((long)messages[^1]![1]!["timestamp"]!, (long)job["execution_end_time"]!);
        Assert.Equal(2, (int)job["outputs_count"]!);
        Assert.Equal(2, (int)job["previewable_outputs_count"]!);
        Assert.Equal("""{"filename":"take_00001_.png","subfolder":"shots","type":"output","nodeId":"2","mediaType":"images"}""", job["preview_output"]!.ToJsonString());
        Assert.Equal("""{"offset":0,"limit":null,"total":1,"has_more":false}""", list["pagination"]!.ToJsonString());
    }

    [Fact]
    public async Task A_failed_job_carries_its_execution_error()
    {
        await using var emulator = await StartNewerAsync();
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), clientId: null, FailAt("2"));
        await emulator.WaitForHistoryAsync(promptId);

        var job = (await emulator.GetJsonAsync("api/jobs"))["jobs"]![0]!;

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Equal("boom\n", job["execution_error"]!["exception_message"]!.GetValue<string>());
        Assert.Equal("2", job["execution_error"]!["node_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_interrupted_job_is_cancelled_and_the_status_filter_finds_it()
    {
        await using var emulator = await StartNewerAsync();
        var done = await emulator.SubmitAsync(Graphs.SavedImages(), clientId: null);
        await emulator.WaitForHistoryAsync(done);
        var client = await emulator.ConnectAsync("client");
        var stopped = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        await emulator.PostAsync("interrupt", new JsonObject());
        await emulator.WaitForHistoryAsync(stopped);

        var cancelled = await emulator.GetJsonAsync("api/jobs?status=cancelled");
        var both = await emulator.GetJsonAsync("api/jobs?status=completed,%20CANCELLED");

        Assert.Equal([stopped], cancelled["jobs"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        Assert.Equal("cancelled", cancelled["jobs"]![0]!["status"]!.GetValue<string>());
        Assert.False(cancelled["jobs"]![0]!.AsObject().ContainsKey("execution_error"));
        Assert.Equal(2, (int)both["pagination"]!["total"]!);
    }

    [Fact]
    public async Task Running_and_pending_jobs_are_listed_without_execution_fields()
    {
        await using var emulator = await StartNewerAsync();
        var client = await emulator.ConnectAsync("client");
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var waiting = await emulator.SubmitAsync(Graphs.SavedImages(), "client");

        var jobs = (await emulator.GetJsonAsync("api/jobs?sort_order=asc"))["jobs"]!.AsArray();

        Assert.Equal([running, waiting], jobs.Select(j => j!["id"]!.GetValue<string>()));
        Assert.Equal(["in_progress", "pending"], jobs.Select(j => j!["status"]!.GetValue<string>()));
        Assert.Equal(["id", "status", "priority", "create_time", "outputs_count", "previewable_outputs_count"], jobs[1]!.AsObject().Select(p => p.Key));
        await emulator.PostAsync("interrupt", new JsonObject());
    }

    [Fact]
    public async Task Sorting_offset_and_limit_page_through_the_jobs()
    {
        await using var emulator = await StartNewerAsync();
        var ids = new List<string>();
        foreach (var prefix in new[] { "a", "b", "c" })
        {
            ids.Add(await emulator.SubmitAsync(Graphs.SavedImages(prefix: prefix), clientId: null));
            await emulator.WaitForHistoryAsync(ids[^1]);
            // create_time is in ms: keep the three apart.
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var newest = await emulator.GetJsonAsync("api/jobs?limit=2");
        var page = await emulator.GetJsonAsync("api/jobs?sort_order=asc&offset=1&limit=1");

        Assert.Equal([ids[2], ids[1]], newest["jobs"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        Assert.Equal("""{"offset":0,"limit":2,"total":3,"has_more":true}""", newest["pagination"]!.ToJsonString());
        Assert.Equal([ids[1]], page["jobs"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        Assert.Equal("""{"offset":1,"limit":1,"total":3,"has_more":true}""", page["pagination"]!.ToJsonString());
    }

    [Theory]
    [InlineData("api/jobs?status=done", "Invalid status value(s): done. Valid values: pending, in_progress, completed, failed, cancelled")]
    [InlineData("api/jobs?sort_by=name", "sort_by must be 'created_at' or 'execution_duration'")]
    [InlineData("api/jobs?sort_order=up", "sort_order must be 'asc' or 'desc'")]
    [InlineData("api/jobs?limit=0", "limit must be a positive integer")]
    [InlineData("api/jobs?limit=ten", "limit must be an integer")]
    [InlineData("api/jobs?offset=x", "offset must be an integer")]
    public async Task Bad_list_parameters_are_400_with_the_servers_sentence(string url, string error)
    {
        await using var emulator = await StartNewerAsync();

        var (response, body) = await emulator.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(new JsonObject { ["error"] = error }.ToJsonString(), JsonNode.Parse(body)!.ToJsonString());
    }

    [Fact]
    public async Task One_job_adds_outputs_execution_status_and_workflow()
    {
        await using var emulator = await StartNewerAsync();
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(batch: 1), "someone");
        var entry = await emulator.WaitForHistoryAsync(promptId);

        var job = await emulator.GetJsonAsync("api/jobs/" + promptId);

        Assert.Equal("completed", job["status"]!.GetValue<string>());
        Assert.Equal(entry["outputs"]!.ToJsonString(), job["outputs"]!.ToJsonString());
        Assert.Equal(entry["status"]!.ToJsonString(), job["execution_status"]!.ToJsonString());
        Assert.Equal(entry["prompt"]![2]!.ToJsonString(), job["workflow"]!["prompt"]!.ToJsonString());
        Assert.Equal("someone", job["workflow"]!["extra_data"]!["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_job_is_404()
    {
        await using var emulator = await StartNewerAsync();

        var (response, body) = await emulator.GetAsync("api/jobs/" + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"error":"Job not found"}""", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Cancelling_the_running_job_interrupts_it()
    {
        await using var emulator = await StartNewerAsync();
        var client = await emulator.ConnectAsync("client");
        var promptId = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);

        var (status, body) = await emulator.PostAsync($"api/jobs/{promptId}/cancel", null);
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"cancelled":true}""", body);
        Assert.Contains(client.ForPrompt(promptId), m => m.Type == "execution_interrupted");
        Assert.Equal("cancelled", (await emulator.GetJsonAsync("api/jobs/" + promptId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_a_pending_job_dequeues_it_and_leaves_the_running_one()
    {
        await using var emulator = await StartNewerAsync();
        var client = await emulator.ConnectAsync("client");
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var waiting = await emulator.SubmitAsync(Graphs.SavedImages(), "client");

        var (_, body) = await emulator.PostAsync($"api/jobs/{waiting}/cancel", null);

        Assert.Equal("""{"cancelled":true}""", body);
        var queue = await emulator.GetJsonAsync("queue");
        Assert.Empty(queue["queue_pending"]!.AsArray());
        Assert.Equal(running, queue["queue_running"]![0]![1]!.GetValue<string>());
        await emulator.PostAsync("interrupt", new JsonObject());
    }

    [Fact]
    public async Task Cancelling_a_finished_or_unknown_job_is_a_no_op()
    {
        await using var emulator = await StartNewerAsync();
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), clientId: null);
        await emulator.WaitForHistoryAsync(promptId);

        var (_, finished) = await emulator.PostAsync($"api/jobs/{promptId}/cancel", null);
        var (_, unknown) = await emulator.PostAsync($"api/jobs/{Guid.NewGuid()}/cancel", null);

        Assert.Equal("""{"cancelled":false}""", finished);
        Assert.Equal("""{"cancelled":false}""", unknown);
        Assert.Equal("completed", (await emulator.GetJsonAsync("api/jobs/" + promptId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_cancel_cancels_every_running_or_pending_id()
    {
        await using var emulator = await StartNewerAsync();
        var client = await emulator.ConnectAsync("client");
        var running = await emulator.SubmitAsync(Graphs.LongRunning(), "client");
        await client.WaitForAsync(m => m.Type == "progress", TestContext.Current.CancellationToken);
        var waiting = await emulator.SubmitAsync(Graphs.SavedImages(), "client");

        var (status, body) = await emulator.PostAsync("api/jobs/cancel", new JsonObject { ["job_ids"] = new JsonArray(running, waiting, Guid.NewGuid().ToString()) });
        await client.WaitForJobEndAsync(running, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"cancelled":true}""", body);
        await emulator.WaitUntilIdleAsync();
        Assert.Empty(await emulator.GetJsonAsync("history/" + waiting));
    }

    [Theory]
    [InlineData("", """{"error":"Request body must be valid JSON"}""")]
    [InlineData("""{"job_ids":"x"}""", """{"error":"job_ids must be a list"}""")]
    [InlineData("""{"job_ids":["nope",1,"0E9C8D3C-1111-4222-8333-444455556666"]}""",
        """{"error":"job_ids contains invalid id(s)","invalid_ids":["nope","1","0E9C8D3C-1111-4222-8333-444455556666"]}""")]
    public async Task A_bad_batch_is_400_before_anything_is_cancelled(string request, string expected)
    {
        await using var emulator = await StartNewerAsync();
        using var content = new StringContent(request, System.Text.Encoding.UTF8, "application/json");

        using var response = await emulator.Http.PostAsync("api/jobs/cancel", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    internal static Task<EmulatorHarness> StartNewerAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { TimeScale = 0.05, ServerVersion = ComfyUiServerVersion.Newer };
        configure?.Invoke(options);
        return EmulatorHarness.StartAsync(options);
    }
}
