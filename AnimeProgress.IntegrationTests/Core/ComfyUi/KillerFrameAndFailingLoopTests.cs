using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>
/// Issue 13 item 1 end to end: the duplicate-key frame that stopped the host on main is counted and skipped; a loop
/// that throws makes the instance degraded on /readyz and /api/instances (in plain words) until it recovers; the app
/// keeps running and the instance still tracks a job afterwards.
/// </summary>
public sealed class KillerFrameAndFailingLoopTests
{
    [Fact]
    public async Task The_app_survives_the_killer_frame_and_a_throwing_loop_and_readiness_says_so_then_recovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.05 }, ct);
        var faults = new FaultSwitch();
        await using var app = AppHost.Start(
            new Dictionary<string, string?>
            {
                ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu",
                ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = gpu.BaseUrl.ToString(),
                ["AnimeProgress:ComfyUi:SystemStatsInterval"] = "00:00:00.200",
                ["AnimeProgress:ComfyUi:ReconnectInitialDelay"] = "00:00:00.200",
                ["AnimeProgress:ComfyUi:ReconnectMaxDelay"] = "00:00:01",
                ["AnimeProgress:ComfyUi:LoopHealthyAfter"] = "00:00:02",
            },
            services =>
            {
                services.AddSingleton(faults);
                services.AddSingleton<IInstanceObserver>(sp => new FaultyObserver(new TrackerInstanceObserver(sp.GetRequiredService<ProgressTracker>()), faults));
            });
        using var http = app.CreateClient();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var connection = app.Services.GetRequiredService<ComfyUiFleet>().Find("gpu")!;
        await Eventually.True(() => app.Hub.Instances.Any(i => i is { Name: "gpu", Online: true }), what: "the instance online");

        // The killer frame (on main: ArgumentException out of the socket loop), and a binary frame of an unknown type.
        gpu.BroadcastRawFrame("""{"type":"status","type":"x"}"""u8.ToArray());
        gpu.BroadcastRawFrame([0, 0, 0, 99, 1, 2], binary: true);
        await Eventually.True(() => connection.RejectedFrames >= 2, what: "both frames counted as rejected");
        Assert.True(app.Hub.Instances.Single().Online, "the connection stayed up");

        // A loop that throws: the VRAM sampler's report fails until the switch is turned off.
        faults.FailStats = true;
        await Eventually.True(() => app.Hub.Instances.Single().Degraded is not null, what: "the instance degraded");
        Assert.Contains("Its system_stats loop failed", await http.GetStringAsync("/readyz", ct), StringComparison.Ordinal);
        var ready = await http.GetFromJsonAsync<JsonObject>("/readyz", ct);
        Assert.Equal("Degraded", ready!["checks"]!["comfyui"]!["status"]!.GetValue<string>());
        var instances = await http.GetStringAsync("/api/instances", ct);
        Assert.Contains("\"degraded\": \"Its system_stats loop failed", instances.Replace("\":\"", "\": \"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain(FaultyObserver.Secret, instances, StringComparison.Ordinal);
        Assert.DoesNotContain(FaultyObserver.Secret, await http.GetStringAsync("/readyz", ct), StringComparison.Ordinal);

        faults.FailStats = false;
        await Eventually.True(() => app.Hub.Instances.Single().Degraded is null, TimeSpan.FromSeconds(30), "the instance recovered");
        Assert.Equal("Healthy", (await http.GetFromJsonAsync<JsonObject>("/readyz", ct))!["checks"]!["comfyui"]!["status"]!.GetValue<string>());

        // Still tracking: a job submitted now runs to completion.
        using var response = await http.PostAsJsonAsync("/api/jobs", new { title = "After the storm", kind = "image", workflow = DemoWorkflows.Image("x", 4, seed: 7).Workflow }, ct);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<long>();
        await Eventually.True(() => app.Hub.Find(id)?.Status == JobStatus.Completed, TimeSpan.FromSeconds(60), "the job completed");
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the host kept running");
    }

    [Fact]
    public async Task Instance_urls_with_user_info_are_never_shown()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "locked",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://render:hunter2@127.0.0.1:9/",
        });
        using var http = app.CreateClient();
        await Eventually.True(() => app.Hub.Instances.Count == 1, what: "the instance tried");

        var body = await http.GetStringAsync("/api/instances", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:9/", body, StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:9/", app.Hub.Instances.Single().BaseUrl.ToString());
    }

    internal sealed class FaultSwitch
    {
        public volatile bool FailStats;
    }

    /// <summary>The real observer, except that a stats report throws while the switch is on: the VRAM loop fails.</summary>
    private sealed class FaultyObserver(IInstanceObserver inner, FaultSwitch faults) : IInstanceObserver
    {
        public const string Secret = "injected failure 0xDEADBEEF";

        public ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken) =>
            faults.FailStats && observation is InstanceStatsReceived
                ? throw new InvalidOperationException(Secret)
                : inner.ObserveAsync(observation, cancellationToken);

        public IReadOnlyList<string> ActivePromptIds(string instance) => inner.ActivePromptIds(instance);
    }
}
