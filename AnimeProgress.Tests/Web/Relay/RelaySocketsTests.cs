using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnimeProgress.Tests.Web.Relay;

/// <summary>Who gets which frame (reference §3), fed frame by frame as AnimeProgress's socket would receive them.</summary>
public sealed class RelaySocketsTests
{
    private const string Instance = "gpu-1";

    private readonly RelayedPrompts _prompts;
    private readonly RelaySockets _sockets;
    private readonly AnimeProgress.Web.Relay.Fleet.FleetPrompts _fleetPrompts;
    private readonly IFrameTap _tap;

    public RelaySocketsTests()
    {
        var hub = new ProgressHub();
        _prompts = new RelayedPrompts(TimeProvider.System, hub);
        _fleetPrompts = new AnimeProgress.Web.Relay.Fleet.FleetPrompts(TimeProvider.System, hub);
        _sockets = new RelaySockets(_prompts, _fleetPrompts, hub);
        _tap = _sockets;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (RelayClient Client, ScriptedWebSocket Socket, Task Running) Attach(string clientId)
    {
        var socket = new ScriptedWebSocket();
        var client = new RelayClient(socket, clientId, 1 << 20, TimeProvider.System, NullLogger.Instance);
        var running = client.RunAsync((_, _) => null, Ct);
        _sockets.Attach(Instance, client);
        return (client, socket, running);
    }

    private void Text(string json) =>
        _tap.Frame(Instance, WebSocketMessageType.Text, Encoding.UTF8.GetBytes(json), ComfyUiMessageParser.ParseText(Encoding.UTF8.GetBytes(json)).Event!);

    private void Binary(byte[] frame) =>
        _tap.Frame(Instance, WebSocketMessageType.Binary, frame, ComfyUiMessageParser.ParseBinary(frame).Event!);

    private static async Task<List<string>> ReceivedAsync(ScriptedWebSocket socket, Task running)
    {
        socket.ClientCloses();
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        return [.. socket.Sent.Select(f => f.Type == WebSocketMessageType.Text ? Encoding.UTF8.GetString(f.Bytes) : $"binary {BinaryPrimitives.ReadUInt32BigEndian(f.Bytes)}")];
    }

    [Fact]
    public async Task A_client_gets_its_own_prompts_and_the_broadcasts_but_nothing_of_AnimeProgress_or_other_clients()
    {
        Assert.True(_prompts.TryAdd(new RelayedPrompt(Instance, "mine", "a", 1, "pipeline")));
        Assert.True(_prompts.TryAdd(new RelayedPrompt(Instance, "theirs", "b", 2, "artist")));
        var (_, socket, running) = Attach("a");

        Text("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 2}}, "sid": "animeprogress-1"}}""");
        Text("""{"type": "execution_start", "data": {"prompt_id": "own", "timestamp": 1}}""");
        Text("""{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "own", "node": "3"}}""");
        Text("""{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "theirs", "node": "3"}}""");
        Text("""{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "nobodys", "node": "3"}}""");
        Text("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}""");
        Text("""{"type": "progress", "data": {"value": 2, "max": 4, "prompt_id": "mine", "node": "3"}}""");
        Text("""{"type": "executing", "data": {"node": "3"}}""");

        var received = await ReceivedAsync(socket, running);
        Assert.Equal(
            [
                """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "a"}}""",
                """{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "nobodys", "node": "3"}}""",
                """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}""",
                """{"type": "progress", "data": {"value": 2, "max": 4, "prompt_id": "mine", "node": "3"}}""",
            ],
            received);
    }

    [Fact]
    public async Task A_preview_with_metadata_reaches_a_client_that_did_not_ask_for_it_as_a_plain_preview_after_its_progress()
    {
        Assert.True(_prompts.TryAdd(new RelayedPrompt(Instance, "mine", "a", 1, null)));
        var (_, socket, running) = Attach("a");
        var metadata = Encoding.UTF8.GetBytes("""{"node_id": "3", "prompt_id": "mine", "display_node_id": "3", "parent_node_id": null, "real_node_id": "3", "image_type": "image/png"}""");
        byte[] png = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
        var frame = new byte[8 + metadata.Length + png.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)metadata.Length);
        metadata.CopyTo(frame, 8);
        png.CopyTo(frame, 8 + metadata.Length);

        Binary(frame);
        Text("""{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "mine", "node": "3"}}""");
        await Task.Delay(50, Ct);
        socket.ClientCloses();
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var sent = socket.Sent;
        Assert.Equal(3, sent.Count);
        Assert.StartsWith("""{"type": "progress""", Encoding.UTF8.GetString(sent[1].Bytes), StringComparison.Ordinal);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 2, .. png], sent[2].Bytes);
    }

    [Fact]
    public async Task A_client_reconnecting_while_its_prompt_runs_gets_the_running_node_after_the_greeting()
    {
        Assert.True(_prompts.TryAdd(new RelayedPrompt(Instance, "mine", "a", 1, null)));
        Text("""{"type": "execution_start", "data": {"prompt_id": "mine", "timestamp": 1}}""");
        Text("""{"type": "executing", "data": {"node": "5", "display_node": "5", "prompt_id": "mine"}}""");

        var (_, socket, running) = Attach("a");
        var received = await ReceivedAsync(socket, running);

        Assert.Equal("""{"type": "executing", "data": {"node": "5"}}""", received[1]);
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task A_fleet_prompt_reaches_its_client_on_the_fleet_relay_only_with_the_fleets_status_and_its_outputs_are_remembered()
    {
        Assert.True(_fleetPrompts.TryAdd(new AnimeProgress.Web.Relay.Fleet.FleetPrompt("fleet-1", "a", "pipeline") { JobId = 1 }));
        var (_, instanceSocket, instanceRunning) = Attach("a");
        var fleetSocket = new ScriptedWebSocket();
        var fleetClient = new RelayClient(fleetSocket, "a", 1 << 20, TimeProvider.System, NullLogger.Instance);
        var fleetRunning = fleetClient.RunAsync((_, _) => null, Ct);
        _sockets.AttachFleet(fleetClient);

        Text("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}""");
        Text("""{"type": "execution_start", "data": {"prompt_id": "fleet-1", "timestamp": 1}}""");
        Text("""{"type": "executed", "data": {"node": "7", "display_node": "7", "output": {"images": [{"filename": "out_1.png", "subfolder": "", "type": "output"}]}, "prompt_id": "fleet-1"}}""");
        Text("""{"type": "progress", "data": {"value": 1, "max": 4, "prompt_id": "nobodys", "node": "3"}}""");

        fleetSocket.ClientCloses();
        await fleetRunning.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var fleet = fleetSocket.Sent.Select(f => Encoding.UTF8.GetString(f.Bytes)).ToList();
        Assert.Equal(
            [
                """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "a"}}""",
                """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}""",
                """{"type": "execution_start", "data": {"prompt_id": "fleet-1", "timestamp": 1}}""",
                """{"type": "executed", "data": {"node": "7", "display_node": "7", "output": {"images": [{"filename": "out_1.png", "subfolder": "", "type": "output"}]}, "prompt_id": "fleet-1"}}""",
            ],
            fleet);
        // The instance relay's client with the same client id hears the instance's broadcasts, not the fleet prompt.
        Assert.DoesNotContain(await ReceivedAsync(instanceSocket, instanceRunning), m => m.Contains("fleet-1", StringComparison.Ordinal));
        Assert.Equal(Instance, _fleetPrompts.InstanceOfFile("output", "", "out_1.png"));
    }
}
