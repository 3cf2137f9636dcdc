using System.Net.WebSockets;
using AnimeProgress.IntegrationTests.Web.Limits;

namespace AnimeProgress.IntegrationTests.Web.Telemetry;

/// <summary>
/// A scrape of the running demo after real work: three jobs submitted through the API and run by the emulated ComfyUI,
/// two dashboards open in chromium, one /ws client. Each of the project's own meters is there with the value that work
/// implies, and the live counts equal what the API and the test itself see.
/// </summary>
public sealed class MetricsScrapeTests(ObservedDemo demo) : IClassFixture<ObservedDemo>
{
    private const int Jobs = 3;
    private static readonly string[] Statuses = ["queued", "processing", "completed", "failed", "cancelled"];

    [Fact]
    public async Task Each_own_meter_reports_what_the_app_did_and_the_live_counts_match_the_api_and_the_open_circuits()
    {
        var pages = new[] { await demo.OpenDashboardAsync(), await demo.OpenDashboardAsync() };
        var (socket, _) = await ClientAddresses.OpenAsync(ClientAddresses.WebSocketUri(demo.App.BaseAddress, "/ws"), ClientAddresses.First);
        Assert.NotNull(socket);

        for (var i = 0; i < Jobs; i++)
        {
            await demo.SubmitAsync($"metrics job {i}");
        }

        await WaitAsync(async () => await demo.ListedAsync("completed") == Jobs, "all jobs completed");
        // The circuits render the last completion at their next delivery (a few hundred ms at most).
        await WaitAsync(async () => (await demo.ScrapeAsync()).Sum("animeprogress_update_latency_seconds_count") >= Jobs * pages.Length, "renders of the completions");
        var metrics = await demo.ScrapeAsync();

        // Jobs by status: what GET /api/jobs lists for every status.
        foreach (var status in Statuses)
        {
            Assert.True(await demo.ListedAsync(status) == metrics.Single("animeprogress_jobs", ("status", status)), $"jobs {status}");
        }

        Assert.Equal(Jobs, metrics.Single("animeprogress_jobs_finished_total", ("status", "completed")));
        Assert.Equal(0, metrics.Single("animeprogress_jobs_finished_total", ("status", "failed")));

        // Viewers: the two dashboards, both connected; the one /ws client.
        Assert.Equal(pages.Length, metrics.Single("animeprogress_viewers_circuits"));
        Assert.Equal(pages.Length, metrics.Single("animeprogress_viewers_circuits_connected"));
        Assert.Equal(1, metrics.Single("animeprogress_ws_clients"));

        // Messages per instance: every job started and succeeded exactly once, somewhere in the fleet.
        Assert.Equal(Jobs, metrics.Sum("animeprogress_comfyui_messages_total", ("type", "ExecutionStart")));
        Assert.Equal(Jobs, metrics.Sum("animeprogress_comfyui_messages_total", ("type", "ExecutionSuccess")));
        var progress = metrics.Sum("animeprogress_comfyui_messages_total", ("type", "Progress")) + metrics.Sum("animeprogress_comfyui_messages_total", ("type", "ProgressState"));
        Assert.True(progress >= Jobs, $"{progress} progress messages");
        Assert.All(metrics.Find("animeprogress_comfyui_messages_total"), s => Assert.StartsWith("demo-gpu-", s["comfyui_instance"], StringComparison.Ordinal));

        // Fold latency: every ComfyUI message folded was timed, each well under a second.
        var folds = metrics.Single("animeprogress_tracker_fold_duration_seconds_count", ("command", "InstanceObserved"));
        Assert.True(folds >= metrics.Sum("animeprogress_comfyui_messages_total"), $"{folds} folds");
        Assert.InRange(metrics.Single("animeprogress_tracker_fold_duration_seconds_sum", ("command", "InstanceObserved")) / folds, 0, 0.1);

        // The fleet: both machines online, nothing queued once all is done, VRAM in use below the card's size.
        foreach (var instance in new[] { "demo-gpu-1", "demo-gpu-2" })
        {
            Assert.Equal(1, metrics.Single("animeprogress_instance_online", ("comfyui_instance", instance)));
            Assert.InRange(metrics.Single("animeprogress_instance_queue_depth", ("comfyui_instance", instance)), 0, Jobs);
            var used = metrics.Single("animeprogress_instance_vram_used_bytes", ("comfyui_instance", instance));
            var total = metrics.Single("animeprogress_instance_vram_total_bytes", ("comfyui_instance", instance));
            Assert.InRange(used, 1, total);
        }

        // Renders: each circuit rendered the jobs' batches, each timed; every update rendered within seconds.
        var renders = metrics.Single("animeprogress_circuit_renders_total");
        Assert.True(renders >= pages.Length * Jobs, $"{renders} renders");
        Assert.Equal(renders, metrics.Single("animeprogress_circuit_render_duration_seconds_count"));
        var latencies = metrics.Single("animeprogress_update_latency_seconds_count");
        Assert.InRange(metrics.Single("animeprogress_update_latency_seconds_sum") / latencies, 0, 5);

        // The hub: updates delivered to the circuits; coalescing counted per subscriber (may be 0 at this pace).
        Assert.True(metrics.Single("animeprogress_hub_updates_delivered_total", ("subscriber", "circuit")) >= latencies);
        Assert.InRange(metrics.Single("animeprogress_hub_updates_coalesced_total", ("subscriber", "job-store")), 0, double.MaxValue);

        // The write-behind: the job rows' writer is there, caught up or nearly, with no failures or drops.
        Assert.InRange(metrics.Single("animeprogress_writebehind_depth", ("writer", "JobWrite")), 0, Jobs);
        Assert.Equal(0, metrics.Sum("animeprogress_writebehind_failures_total", ("writer", "JobWrite")));
        Assert.Equal(0, metrics.Single("animeprogress_writebehind_dropped_total", ("writer", "JobWrite")));

        // The libraries' own: ASP.NET Core, HttpClient (to ComfyUI), the runtime (GC) and the process (CPU).
        Assert.NotEmpty(metrics.Find("http_server_request_duration_seconds_count"));
        Assert.NotEmpty(metrics.Find("http_client_request_duration_seconds_count"));
        Assert.NotEmpty(metrics.Find("dotnet_gc_pause_time_seconds_total"));
        Assert.NotEmpty(metrics.Find("process_cpu_time_seconds_total"));

        await ClientAddresses.CloseAllAsync([socket]);
        foreach (var page in pages)
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var since = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(since) < TimeSpan.FromSeconds(60), "timed out waiting for " + what);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
