using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Submission;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>
/// Issue 13 item 13: jobs a ComfyUI restart lost are marked within 2 s of the first successful /queue answer,
/// however long the WebSocket's reconnect backoff is (here 15 s, far longer than the budget).
/// </summary>
public sealed class LostJobDetectionTests
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Jobs_a_restart_lost_are_marked_within_two_seconds_of_the_first_successful_queue_read()
    {
        var emulator = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 1.0 }, Ct);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:OfflineProbeInterval"] = ProbeInterval.ToString(),
            ["AnimeProgress:ComfyUi:ReconnectInitialDelay"] = "00:00:15",
            ["AnimeProgress:ComfyUi:ReconnectMaxDelay"] = "00:00:15",
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Name == "gpu-a" && i.Online), what: "instance online");
        var submitter = app.Services.GetRequiredService<JobSubmitter>();
        var running = await submitter.SubmitAsync(DemoWorkflows.Image("Running when ComfyUI died", steps: 200, seed: 1), Ct);
        var queued = await submitter.SubmitAsync(DemoWorkflows.Image("Queued when ComfyUI died", steps: 200, seed: 2), Ct);
        await Eventually.True(() => app.Hub.Find(running)?.Status == JobStatus.Running && app.Hub.Find(queued)?.QueuePosition == 1, TimeSpan.FromSeconds(30), "one running, one queued");

        var port = emulator.Port;
        await emulator.DisposeAsync();
        await Eventually.True(() => !app.Hub.Instances.Single().Online, what: "instance offline");
        // Long enough for at least one failed probe: the restart is noticed as an outage.
        await Task.Delay(ProbeInterval * 2, Ct);

        await using var restarted = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = port, TimeScale = 1.0 }, Ct);
        var upAt = DateTimeOffset.UtcNow;
        var lost = await Eventually.Get(
            () => new[] { app.Hub.Find(running), app.Hub.Find(queued) } is [{ IsTerminal: true } a, { IsTerminal: true } b] ? new[] { a, b } : null,
            TimeSpan.FromSeconds(30),
            "both jobs marked lost");

        var firstAnswer = restarted.FirstQueueAnsweredAt ?? throw new InvalidOperationException("the restarted ComfyUI answered no /queue read");
        Assert.All(lost, j => Assert.Equal(JobStatus.Failed, j.Status));
        Assert.All(lost, j => Assert.StartsWith("Lost", j.Error, StringComparison.Ordinal));
        // Measured from the answer the app reconciled on, so a slow machine's scheduling before it does not count.
        Assert.All(lost, j => Assert.True(j.FinishedAt - firstAnswer <= Budget, $"{j.Title} marked {(j.FinishedAt - firstAnswer)?.TotalSeconds:0.000} s after the first /queue answer"));
        // And that answer came from the offline probe (every second), not from the socket's 15 s reconnect.
        Assert.True(firstAnswer - upAt < TimeSpan.FromSeconds(5), $"first /queue answer {(firstAnswer - upAt).TotalSeconds:0.000} s after ComfyUI was back");
    }
}
