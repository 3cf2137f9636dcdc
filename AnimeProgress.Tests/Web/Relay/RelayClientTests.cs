using System.Net.WebSockets;
using System.Text;
using AnimeProgress.Web.Relay;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Relay;

public sealed class RelayClientTests
{
    private const long Budget = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RelayFrame Frame(int size, byte fill = 1) => new(WebSocketMessageType.Binary, Enumerable.Repeat(fill, size).ToArray());

    private static RelayFrame Text(string text) => new(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Frames_reach_a_reading_client_in_the_order_they_were_queued_and_a_relay_close_carries_its_code()
    {
        var socket = new ScriptedWebSocket();
        var client = new RelayClient(socket, "c1", Budget, TimeProvider.System, NullLogger.Instance);
        var running = client.RunAsync((_, _) => null, Ct);
        for (var i = 0; i < 50; i++)
        {
            client.Send(Text("m" + i));
        }

        client.Close(WebSocketCloseStatus.EndpointUnavailable, "ComfyUI instance gpu-1 went away");
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => "m" + i), socket.Sent.Select(f => Encoding.UTF8.GetString(f.Bytes)));
        Assert.Equal((WebSocketCloseStatus.EndpointUnavailable, "ComfyUI instance gpu-1 went away"), socket.ClosedWith);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_closed_with_1008_once_its_buffer_is_full_and_holds_no_more_than_that()
    {
        var socket = new ScriptedWebSocket(reading: false);
        var client = new RelayClient(socket, "slow", Budget, TimeProvider.System, NullLogger.Instance);
        var running = client.RunAsync((_, _) => null, Ct);
        client.Send(Frame(1024, fill: 7));
        await Eventually(() => socket.SendsStarted == 0, () => { });
        for (var i = 0; i < 200; i++)
        {
            client.Send(Frame(1024));
        }

        Assert.True(client.Overflowed);
        socket.StartReading();
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // The frame that was on its way arrives; what waited past the budget is dropped; then the close, with its reason.
        var sent = Assert.Single(socket.Sent);
        Assert.Equal(7, sent.Bytes[0]);
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, RelayClient.OverflowReason), socket.ClosedWith);
        Assert.False(socket.Aborted);
    }

    [Fact]
    public async Task A_client_that_never_reads_again_is_dropped_after_the_close_timeout()
    {
        var time = new FakeTimeProvider();
        var socket = new ScriptedWebSocket(reading: false);
        var client = new RelayClient(socket, "gone", Budget, time, NullLogger.Instance);
        var running = client.RunAsync((_, _) => null, Ct);
        client.Send(Frame((int)Budget + 1));
        Assert.True(client.Overflowed);

        await Eventually(() => !socket.Aborted, () => time.Advance(RelayClient.CloseTimeout + TimeSpan.FromSeconds(1)));
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(socket.Aborted);
        Assert.Null(socket.ClosedWith);
    }

    [Fact]
    public async Task The_first_frame_asking_for_preview_metadata_is_answered_and_remembered_and_later_frames_are_ignored()
    {
        var socket = new ScriptedWebSocket();
        var client = new RelayClient(socket, "ui", Budget, TimeProvider.System, NullLogger.Instance);
        var asked = 0;
        var running = client.RunAsync((_, _) =>
        {
            asked++;
            return Text("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""");
        }, Ct);
        socket.ClientSends("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""");
        socket.ClientSends("""{"type":"feature_flags","data":{"supports_preview_metadata":false}}""");
        await Eventually(() => socket.Sent.Count == 0, () => { });
        socket.ClientCloses();
        await running.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(client.WantsPreviewMetadata);
        Assert.Equal(1, asked);
        Assert.Single(socket.Sent);
    }

    private static async Task Eventually(Func<bool> stillWaiting, Action step)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (stillWaiting())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "timed out");
            step();
            await Task.Delay(10, Ct);
        }
    }
}
