using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Web.Demo;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>The HTTP client's queue actions against the emulator over loopback.</summary>
public sealed class ComfyUiHttpClientTests
{
    [Fact]
    public async Task Deleting_a_pending_prompt_and_interrupting_the_running_one_give_their_true_outcomes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 1.0 }, ct);
        using var http = new HttpClient();
        var client = new ComfyUiHttpClient(http, new ComfyUiInstance("gpu", emulator.BaseUrl));
        var running = Guid.NewGuid().ToString("D");
        var pending = Guid.NewGuid().ToString("D");
        await client.SubmitAsync(DemoWorkflows.Image("long", steps: 200, seed: 1).Workflow, "tests", running, null, front: false, ct);
        await client.SubmitAsync(DemoWorkflows.Image("next", steps: 200, seed: 2).Workflow, "tests", pending, null, front: false, ct);
        await Eventually.True(() => client.GetQueueAsync(ct).Result is { Running.Count: 1 } q && q.Running[0].PromptId == running, what: "first prompt running");

        await client.DeleteFromQueueAsync([pending], ct);
        await client.InterruptAsync(running, ct);

        var outcome = await Eventually.Get(() => client.GetHistoryAsync(running, ct).Result, TimeSpan.FromSeconds(30), "interrupted history");
        Assert.Equal(HistoryOutcome.Interrupted, outcome.Outcome);
        Assert.False((await client.GetQueueAsync(ct)).Contains(pending));
        Assert.Null(await client.GetHistoryAsync(pending, ct));
    }
}
