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
