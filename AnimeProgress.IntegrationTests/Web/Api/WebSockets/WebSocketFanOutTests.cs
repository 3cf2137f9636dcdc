using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Api.WebSockets;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Api.WebSockets;

/// <summary>
/// Many clients, slow clients, stalled clients. The tests publish snapshots straight into the hub,
/// so the amount and size of the traffic are under their control.
/// </summary>
public sealed class WebSocketFanOutTests(WebSocketFanOutTests.QuietApp quiet) : IClassFixture<WebSocketFanOutTests.QuietApp>
{
    public sealed class QuietApp : IAsyncDisposable
    {
        internal AppHost App { get; } = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Api:SendTimeout"] = "00:00:03",
            ["AnimeProgress:Api:MaxQueuedFrames"] = "8",
        });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => quiet.App;

    private ProgressSocketServer Server => App.Services.GetRequiredService<ProgressSocketServer>();

    [Fact]
    public async Task Fifty_clients_at_once_all_get_every_change()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => WsClient.ConnectAsync(App.BaseAddress)));
        try
        {
            await Task.WhenAll(clients.Select(c => c.ReceiveTypeAsync("initial_jobs")));
            Assert.True(Server.Connections >= 50);

            App.Hub.Publish(Snapshots.Running(81_000_001, version: 1, percent: 10));
            await Task.WhenAll(clients.Select(c => c.ReceiveUntilAsync(m => Is(m, 81_000_001, version: 1))));
            App.Hub.Publish(Snapshots.Running(81_000_001, version: 2, percent: 20));
            var second = await Task.WhenAll(clients.Select(c => c.ReceiveUntilAsync(m => Is(m, 81_000_001, version: 2))));

            Assert.All(second, m => Assert.Equal(20, m.GetProperty("job").GetProperty("progress").GetDouble()));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_slow_reader_gets_the_newest_state_instead_of_a_backlog()
    {
        await using var slow = await WsClient.ConnectAsync(App.BaseAddress);
        await slow.ReceiveTypeAsync("initial_jobs");

        // 300 versions of 32 KiB each (about 10 MB) while the client reads nothing: more than the socket buffers hold.
        Snapshots.PublishVersions(App.Hub, 82_000_001, 300, title: new string('s', 32 * 1024));
        var versions = new List<long>();
        await slow.ReceiveUntilAsync(m =>
        {
            if (WsClient.Type(m) == "progress_update")
            {
                versions.Add(m.GetProperty("job").GetProperty("version").GetInt64());
            }

            return versions.Count > 0 && versions[^1] == 300;
        }, what: "the newest version");

        Assert.True(versions.Count < 300, $"{versions.Count} updates: coalesced rather than queued");
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task A_slow_reader_does_not_stall_a_fast_one()
    {
        await using var stalled = await WsClient.ConnectAsync(App.BaseAddress);
        await using var fast = await WsClient.ConnectAsync(App.BaseAddress);
        await fast.ReceiveTypeAsync("initial_jobs");

        for (var round = 1; round <= 5; round++)
        {
            // Each round is larger than the stalled client's buffers can take, and the fast one still gets it.
            for (var job = 0; job < 20; job++)
            {
                App.Hub.Publish(Snapshots.Running(83_000_000 + job, version: round, title: new string('f', 16 * 1024)));
            }

            var expected = round;
            await fast.ReceiveUntilAsync(m => Is(m, 83_000_019, expected), what: $"round {round}");
        }
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_after_its_buffer_and_the_others_carry_on()
    {
        await using var fast = await WsClient.ConnectAsync(App.BaseAddress);
        await fast.ReceiveTypeAsync("initial_jobs");
        // A small receive window, so the server's sends stall quickly rather than fill megabytes of buffers.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        var stalled = await WsClient.ConnectAsync(App.BaseAddress, invoker: invoker);
        var before = Server.Connections;

        var version = 0;
        await Eventually.True(() =>
        {
            version++;
            App.Hub.Publish(Snapshots.Running(84_000_001, version, title: new string('d', 64 * 1024)));
            return Server.Connections < before;
        }, TimeSpan.FromSeconds(60), "the stalled client dropped");

        App.Hub.Publish(Snapshots.Running(84_000_002, version: 1));
        await fast.ReceiveUntilAsync(m => Is(m, 84_000_002, 1), what: "an update after the drop");
        Assert.Equal(WebSocketState.Open, fast.Socket.State);
        await stalled.DisposeAsync();
    }

    private static bool Is(JsonElement message, long id, long version) =>
        WsClient.Type(message) == "progress_update"
        && message.GetProperty("job").GetProperty("id").GetInt64() == id
        && message.GetProperty("job").GetProperty("version").GetInt64() == version;
}
