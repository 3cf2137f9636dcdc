using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>An instance that goes away behind the relay: its clients see what a ComfyUI going away looks like.</summary>
public sealed class RelayFailureTests : IAsyncLifetime
{
    private RelayTestApp _relay = null!;
    private ComfyUiEmulatorServer _gpu = null!;
    private AppHost _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _relay = await RelayTestApp.StartAsync(Ct);
        (_gpu, _app) = (_relay.Gpu, _relay.App);
    }

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
    }

    [Fact]
    public async Task When_the_instance_goes_away_relay_sockets_close_as_going_away_and_HTTP_answers_502_with_a_sentence()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(new UriBuilder(_app.BaseAddress) { Scheme = "ws" }.Uri, "comfyui/gpu-1/ws?clientId=watcher"), Ct);
        using var http = _app.CreateClient();
        using var posted = await http.PostAsJsonAsync("/comfyui/gpu-1/prompt", new JsonObject { ["prompt"] = Graphs.LongRunning(seed: 9), ["client_id"] = "watcher" }, Ct);
        var promptId = (await posted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
        await Eventually.True(() => _app.Hub.Jobs.Any(j => j.PromptId == promptId && j.Status == JobStatus.Running), what: "the relayed job running");

        await _gpu.DisposeAsync();

        var buffer = new byte[64 * 1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, timeout.Token);
        }
        while (received.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        Assert.Contains("gpu-1", socket.CloseStatusDescription, StringComparison.Ordinal);

        using var queue = await http.GetAsync("/comfyui/gpu-1/queue", Ct);
        Assert.Equal(HttpStatusCode.BadGateway, queue.StatusCode);
        Assert.Contains("did not answer", await queue.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var reconnect = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => reconnect.ConnectAsync(new Uri(new UriBuilder(_app.BaseAddress) { Scheme = "ws" }.Uri, "comfyui/gpu-1/ws?clientId=watcher"), Ct));
        using var submit = await http.PostAsJsonAsync("/comfyui/gpu-1/prompt", new JsonObject { ["prompt"] = Graphs.TextToImage(steps: 2) }, Ct);
        Assert.Equal(HttpStatusCode.BadGateway, submit.StatusCode);
        var failed = await Eventually.Get(() => _app.Hub.Jobs.FirstOrDefault(j => j.Status == JobStatus.Failed && j.Error != null && j.Error.Contains("502", StringComparison.Ordinal)), what: "the submission that found no instance shown failed");
        Assert.Equal("gpu-1", failed.Instance);
    }
}
