using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Submission;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>
/// The real app's ComfyUI client, tracker and hub against an emulator over loopback: the live
/// path with nothing replaced, configured the way an operator points it at a real ComfyUI; each test runs against
/// both generations (0.3.64 and the newer server with its job API, issue 17 item 5).
/// </summary>
public sealed class ComfyUiClientAgainstEmulatorTests
{
    private static async Task<(ComfyUiEmulatorServer Emulator, AppHost App)> StartAsync(double timeScale, ComfyUiServerVersion version)
    {
        var emulator = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = timeScale, ServerVersion = version }, TestContext.Current.CancellationToken);
        var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:ReconnectInitialDelay"] = "00:00:00.200",
            ["AnimeProgress:ComfyUi:ReconnectMaxDelay"] = "00:00:01",
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Name == "gpu-a" && i.Online), what: "instance online");
        return (emulator, app);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task A_submitted_job_moves_through_its_stages_to_completion(ComfyUiServerVersion version)
    {
        var (emulator, app) = await StartAsync(timeScale: 0.1, version);
        await using var _ = emulator;
        await using var __ = app;
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var seenStages = new HashSet<Stage>();
        var seenPercents = new List<double>();
        using var subscription = app.Hub.Subscribe((batch, _) =>
        {
            foreach (var job in batch.Jobs)
            {
                lock (seenStages)
                {
                    seenStages.Add(job.Stage);
                    seenPercents.Add(job.Percent);
                }
            }

            return ValueTask.CompletedTask;
        }, TimeSpan.Zero);

        var id = await submitter.SubmitAsync(DemoWorkflows.Video("Cut 001", frames: 48, steps: 12, seed: 1), TestContext.Current.CancellationToken);
        var done = await Eventually.Get(() => app.Hub.Find(id) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(60), "completion");

        Assert.True(done.Status == JobStatus.Completed, $"{done.Status}: {done.Error}");
        Assert.Equal((100.0, 48, false), (done.Percent, done.FramesDone, done.FramesEstimated));
        Assert.Equal("gpu-a", done.Instance);
        lock (seenStages)
        {
            Assert.Superset(new HashSet<Stage> { Stage.Rendering, Stage.Completed }, seenStages);
            Assert.Equal(seenPercents.Order().ToList(), seenPercents);
        }
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task A_node_told_to_fail_fails_the_job_with_its_message(ComfyUiServerVersion version)
    {
        var (emulator, app) = await StartAsync(timeScale: 0.05, version);
        await using var _ = emulator;
        await using var __ = app;
        var request = DemoWorkflows.Image("Broken cut", steps: 4, seed: 2) with { ExtraData = DemoWorkflows.FailNode("8", "CUDA out of memory") };

        var id = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(request, TestContext.Current.CancellationToken);
        var done = await Eventually.Get(() => app.Hub.Find(id) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(60), "failure");

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Contains("CUDA out of memory", done.Error, StringComparison.Ordinal);
        Assert.StartsWith("VAEDecode", done.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task An_emulator_restart_mid_job_is_survived_and_no_job_stays_running(ComfyUiServerVersion version)
    {
        var (emulator, app) = await StartAsync(timeScale: 1.0, version);
        await using var __ = app;
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var id = await submitter.SubmitAsync(DemoWorkflows.Image("Long cut", steps: 60, seed: 3), TestContext.Current.CancellationToken);
        await Eventually.True(() => app.Hub.Find(id)?.Status == JobStatus.Running, TimeSpan.FromSeconds(30), "job running");

        var port = emulator.Port;
        await emulator.StopAsync(TestContext.Current.CancellationToken);
        await emulator.DisposeAsync();
        await Eventually.True(() => app.Hub.Instances.Single().Online == false, what: "instance offline");

        await using var restarted = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = port, TimeScale = 0.05, ServerVersion = version }, TestContext.Current.CancellationToken);
        await Eventually.True(() => app.Hub.Instances.Single().Online, TimeSpan.FromSeconds(30), "instance back online");

        // The restarted ComfyUI has neither queue nor history for the job: it must not stay "running".
        var lost = await Eventually.Get(() => app.Hub.Find(id) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(30), "lost job resolved");
        Assert.Equal(JobStatus.Failed, lost.Status);

        var next = await submitter.SubmitAsync(DemoWorkflows.Image("After restart", steps: 4, seed: 4), TestContext.Current.CancellationToken);
        var done = await Eventually.Get(() => app.Hub.Find(next) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(60), "new job done");
        Assert.Equal(JobStatus.Completed, done.Status);
    }
}
