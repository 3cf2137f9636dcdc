using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Bench.FleetQueue;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.Bench.Tests.FleetQueue;

public sealed class FleetQueueBenchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_seeded_job_set_has_the_issues_mix_ranges_and_bursts_and_is_the_same_every_time()
    {
        var jobs = FleetJobSet.Draw();

        Assert.Equal(500, jobs.Count);
        Assert.Equal(300, jobs.Count(j => j.Kind == FleetJobKind.Image));
        Assert.Equal(150, jobs.Count(j => j.Kind == FleetJobKind.Video));
        Assert.Equal(50, jobs.Count(j => j.Kind == FleetJobKind.Upscale));
        Assert.All(jobs.Where(j => j.Kind == FleetJobKind.Image), j => Assert.InRange(j.Seconds, 10, 40));
        Assert.All(jobs.Where(j => j.Kind == FleetJobKind.Video), j => Assert.InRange(j.Seconds, 120, 600));
        Assert.All(jobs.Where(j => j.Kind == FleetJobKind.Upscale), j => Assert.InRange(j.Seconds, 20, 60));
        Assert.Equal(Enumerable.Range(0, 10), jobs.Select(j => j.Burst).Distinct());
        Assert.All(jobs.GroupBy(j => j.Burst), b => Assert.Equal(50, b.Count()));
        Assert.Equal(jobs, FleetJobSet.Draw());
        Assert.NotEqual(jobs, FleetJobSet.Draw(seed: 17));
    }

    [Fact]
    public void Each_kind_fits_only_the_instances_the_issue_gives_it()
    {
        var fleet = FleetJobSet.Fleet;
        string[] Fits(FleetJobKind kind) => [.. fleet.Where(new FleetJob(0, kind, 10, 0).Fits).Select(f => f.Name)];

        Assert.Equal(["gpu-1", "gpu-2", "gpu-3", "gpu-4"], Fits(FleetJobKind.Image));
        Assert.Equal(["gpu-1", "gpu-2"], Fits(FleetJobKind.Video));
        Assert.Equal(["gpu-3"], Fits(FleetJobKind.Upscale));
    }

    [Fact]
    public void A_jobs_graph_carries_its_number_and_more_seconds_mean_more_frames()
    {
        var shortVideo = new FleetJob(7, FleetJobKind.Video, 120, 0);
        var longVideo = shortVideo with { Seconds = 600 };
        var upscale = new FleetJob(8, FleetJobKind.Upscale, 40, 0);

        Assert.Equal(7, FleetWorkflow.JobIndex(FleetWorkflow.Graph(shortVideo)));
        Assert.True(FleetWorkflow.Frames(longVideo) > 4 * FleetWorkflow.Frames(shortVideo));
        Assert.Equal(1, FleetWorkflow.Frames(longVideo) % 4);
        var graph = FleetWorkflow.Graph(upscale);
        Assert.Equal(FleetJob.UpscaleModel, graph["10"]!["inputs"]!["model_name"]!.GetValue<string>());
        Assert.Equal("11", graph["9"]!["inputs"]!["images"]![0]!.GetValue<string>());
        Assert.Null(FleetWorkflow.JobIndex(new JsonObject()));
    }

    [Fact]
    public void Busy_fraction_counts_only_idle_time_while_a_fitting_job_waits_and_gaps_only_when_one_waited()
    {
        FleetInstance[] fleet = [new("a", 24, ["video"], []), new("b", 12, [], [])];
        FleetJob[] jobs = [new(0, FleetJobKind.Image, 10, 0), new(1, FleetJobKind.Image, 10, 0), new(2, FleetJobKind.Video, 100, 0), new(3, FleetJobKind.Image, 10, 0)];
        var accepted = new Dictionary<int, long> { [0] = 0, [1] = 0, [2] = 0, [3] = 5000 };
        PromptRun[] runs =
        [
            new("a", 2, "p2", 0, 1000, true),
            new("a", 1, "p1", 1050, 1100, true),
            new("b", 0, "p0", 100, 600, true),
            new("b", 3, "p3", 5000, 5100, true),
            new("b", 3, "p3b", 5200, 5300, true),
        ];

        var figures = FleetRunStats.Compute("x", jobs, fleet, accepted, runs);

        // a: work waits 0–1050 (job 1), it runs 0–1000: 1000/1050. b: waits 0–100 (job 0) and 0–1050 (job 1) → 0–1050,
        // then 5000–5000 (job 3 starts at once): busy 100–600 of 1050.
        Assert.Equal(1000 / 1050.0, figures.BusyWhileWork["a"], 6);
        Assert.Equal(500 / 1050.0, figures.BusyWhileWork["b"], 6);
        // a freed at 1000 while job 1 waited: gap 50. b freed at 600 while job 1 waited: gap to 5000; freed at 5100: nothing waited.
        Assert.Equal([50.0, 4400.0], figures.GapsMs);
        Assert.Equal(5.3, figures.MakespanSeconds, 6);
        Assert.Equal((0, 1, 0), (figures.Lost, figures.RunTwice, figures.Misplaced));
        Assert.Equal(1, FleetRunStats.Compute("y", jobs, fleet, accepted, [.. runs, new PromptRun("b", 2, "p2b", 6000, 7000, true)]).Misplaced);
        Assert.Equal(4400, FleetRunStats.Quantile(figures.GapsMs, 0.99));
        Assert.Equal(50, FleetRunStats.Quantile(figures.GapsMs, 0.5));
    }

    [Fact]
    public void Ran_twice_lost_and_failed_with_a_reason_are_counted_from_the_prompts_and_what_the_app_said()
    {
        FleetJob[] jobs = [.. Enumerable.Range(0, 6).Select(i => new FleetJob(i, FleetJobKind.Image, 10, 0))];
        PromptRun[] runs =
        [
            new("a", 0, "p0", 0, 10, true),
            // Job 1 started twice: an abandoned prompt the machine ran, then its own.
            new("a", 1, "p1", 0, 10, false),
            new("b", 1, "p1b", 20, 30, true),
            // Job 2 died running with its machine (no prompt left), was shown failed and retried: the retry ran once.
            new("b", 2, "p2r", 40, 50, true),
            // Job 3 died running and was shown failed; its retry has not run. Job 4 was shown failed with no reason.
            // Job 5 never ran and the app said nothing: silently lost.
        ];
        var reported = new Dictionary<int, string?> { [2] = "Lost: ComfyUI no longer knows this job", [3] = "Lost: …", [4] = " " };

        var tally = ExactlyOnceTally.Count(jobs, runs, reported, new HashSet<int> { 2, 3 });

        Assert.Equal(new ExactlyOnceTally(RanOnce: 2, RunTwice: 1, Lost: 2, FailedWithReason: 2, RetriedRanOnce: 1), tally);
        var figures = FleetRunStats.Compute("x", jobs, [new FleetInstance("a", 24, [], []), new FleetInstance("b", 24, [], [])], jobs.ToDictionary(j => j.Index, _ => 0L), runs, reported, new HashSet<int> { 2, 3 });
        Assert.Equal((tally.Lost, tally.RunTwice, 1), (figures.Lost, figures.RunTwice, figures.Failed));
        Assert.Equal(new ExactlyOnceTally(0, 0, 6, 0, 0), ExactlyOnceTally.Count(jobs, [], new Dictionary<int, string?>(), new HashSet<int>()));
    }

    [Fact]
    public void Fault_options_are_checked_and_a_killed_machine_gets_a_short_reclaim_time_unless_one_is_given()
    {
        var kill = FleetBenchOptions.Parse(["--kill-instance", "gpu-1", "--instance-down", "12"], out _)!;
        Assert.Equal(("gpu-1", 12.0, 5.0, 1), (kill.KillInstance, kill.InstanceDownSeconds, kill.ReclaimAfterSeconds, kill.InstanceKills));
        Assert.Equal(3.5, FleetBenchOptions.Parse(["--kill-instance", "gpu-3", "--reclaim-after", "3.5"], out _)!.ReclaimAfterSeconds);
        Assert.Null(FleetBenchOptions.Parse([], out _)!.ReclaimAfterSeconds);

        var failover = FleetBenchOptions.Parse(["--failover", "5", "--strategies", "fleet-queue", "--lease-check", "0.5"], out _)!;
        Assert.Equal((5, 0.5), (failover.Failovers, failover.LeaseCheckSeconds));
        Assert.Equal([FleetQueueCommand.FleetQueue], failover.Strategies);

        Assert.Null(FleetBenchOptions.Parse(["--kill-instance", "gpu-9"], out var error));
        Assert.Contains("--kill-instance gpu-9", error, StringComparison.Ordinal);
        Assert.Null(FleetBenchOptions.Parse(["--failover", "2", "--strategies", "round-robin"], out error));
        Assert.Contains("include it in --strategies", error, StringComparison.Ordinal);
        Assert.Null(FleetBenchOptions.Parse(["--failover", "2", "--kills", "3"], out _));
        Assert.Null(FleetBenchOptions.Parse(["--lease-check", "6"], out _));
        Assert.Null(FleetBenchOptions.Parse(["--jobs"], out error));
        Assert.Contains("no value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_machine_keeps_what_it_ran_counted_loses_its_queue_and_comes_back_empty_on_its_port()
    {
        FleetInstance[] fleet = [new("gpu-1", 24, ["video"], [])];
        await using var emulators = await EmulatorFleet.StartAsync(fleet, timeScale: 0.02, Ct);
        var url = emulators.Url("gpu-1");
        var quick = new FleetJob(0, FleetJobKind.Image, 10, 0);
        await emulators.SendAsync("gpu-1", quick, Ct);
        while ((await emulators.RunsAsync(Ct)).Count == 0)
        {
            await Task.Delay(20, Ct);
        }

        // A 10 min video (12 s here) runs while an image waits behind it.
        await emulators.SendAsync("gpu-1", new FleetJob(1, FleetJobKind.Video, 600, 0), Ct);
        await emulators.SendAsync("gpu-1", new FleetJob(2, FleetJobKind.Image, 10, 0), Ct);
        while ((await emulators.QueueAsync("gpu-1", Ct)).Running.Count == 0)
        {
            await Task.Delay(20, Ct);
        }

        var (running, pending) = await emulators.KillAsync("gpu-1", Ct);
        Assert.Equal([1], running.Select(p => p.Job));
        Assert.Equal([2], pending.Select(p => p.Job));
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(url, "queue"), Ct));
        Assert.Equal([0], (await emulators.RunsAsync(Ct)).Select(r => r.Job));

        await emulators.RestartAsync("gpu-1", Ct);
        Assert.Equal(url, emulators.Url("gpu-1"));
        var (runningAfter, pendingAfter) = await emulators.QueueAsync("gpu-1", Ct);
        Assert.Empty(runningAfter.Concat(pendingAfter));
        Assert.Equal([0], (await emulators.RunsAsync(Ct)).Select(r => r.Job));
    }

    [Fact]
    public async Task An_emulator_without_a_model_file_leaves_it_out_of_object_info()
    {
        await using var lacking = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0, AbsentModels = [FleetJob.UpscaleModel] }, Ct);
        await using var having = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0 }, Ct);
        using var http = new HttpClient();

        async Task<string> LoaderListAsync(ComfyUiEmulatorServer server, string path)
        {
            var info = await http.GetFromJsonAsync<JsonObject>(new Uri(server.BaseUrl, path), Ct);
            return info!["UpscaleModelLoader"]!["input"]!["required"]!["model_name"]![0]!.ToJsonString();
        }

        Assert.Equal("[\"RealESRGAN_x4plus_anime_6B.pth\"]", await LoaderListAsync(lacking, "object_info"));
        Assert.Equal("[\"RealESRGAN_x4plus_anime_6B.pth\"]", await LoaderListAsync(lacking, "object_info/UpscaleModelLoader"));
        Assert.Contains(FleetJob.UpscaleModel, await LoaderListAsync(having, "object_info/UpscaleModelLoader"), StringComparison.Ordinal);
    }
}
