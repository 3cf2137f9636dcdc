using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Core.Queue;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// A fleet-relayed prompt keeps its client's prompt id when it is sent again (issue 17 item 2): pending on an instance
/// that restarts without it, it waits in the fleet queue again and runs once, under the same id, and its client hears
/// its end on the fleet socket.
/// </summary>
public sealed class FleetRelayRedispatchTests : IAsyncLifetime
{
    private QueueFleet _fleet = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fleet = await QueueFleet.StartAsync();

    public async ValueTask DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task A_fleet_prompt_lost_by_its_instance_is_sent_again_under_the_same_id_and_runs_once()
    {
        var running = await _fleet.SubmitAsync("running", longRunning: true);
        await _fleet.RunningAsync(running);
        await using var client = await WsProbe.ConnectAsync(new Uri(_fleet.App.BaseAddress, $"comfyui/k/{_fleet.OperatorKey}/fleet/"), "script-5", Ct);
        await client.WaitForAsync("status", Ct);

        var promptId = Guid.NewGuid().ToString("D");
        var body = new JsonObject { ["prompt"] = QueueFleet.Workflow(), ["client_id"] = "script-5", ["prompt_id"] = promptId };
        using var posted = await _fleet.SendAsync(HttpMethod.Post, "/comfyui/fleet/prompt", body);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(promptId, (await posted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>());
        var sent = await Eventually.Get(() => _fleet.App.Hub.Jobs.FirstOrDefault(j => j.PromptId == promptId && j.Instance == "gpu-a" && j.Status == JobStatus.Queued), what: "the fleet prompt pending on gpu-a");
        Assert.Equal(1, _fleet.GpuA.TimesQueued(promptId));

        await _fleet.RestartGpuAAsync();

        var done = await _fleet.EndedAsync(sent.Id);
        Assert.Equal((JobStatus.Completed, promptId), (done.Status, done.PromptId));
        // The restarted gpu-a got it once, under the id the client was given.
        Assert.Equal(1, _fleet.GpuA.TimesQueued(promptId));
        await client.WaitForJobEndAsync(promptId, Ct);
        Assert.Single(client.Messages, m => m.Type == "execution_start" && m.PromptId == promptId);
    }
}
