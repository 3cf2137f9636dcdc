using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.Web.Api;

namespace AnimeProgress.IntegrationTests.Web.Limits;

/// <summary>Per-client /ws cap (AnimeProgress:Limits:Requests:MaxSocketsPerClient, default 20) against the real app on Kestrel.</summary>
public sealed class SocketLimitTests
{
    [Fact]
    public async Task The_21st_connection_of_one_client_is_refused_with_429_and_another_client_still_gets_in()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false" });
        var uri = ClientAddresses.WebSocketUri(app.BaseAddress, "/ws");
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var (socket, status) = await ClientAddresses.OpenAsync(uri, ClientAddresses.First);
                Assert.True(socket is not null, $"connection {i + 1} refused with {status}");
                open.Add(socket);
            }

            var (refused, refusedStatus) = await ClientAddresses.OpenAsync(uri, ClientAddresses.First);
            Assert.Null(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, refusedStatus);

            using (var http = ClientAddresses.Http(app.BaseAddress, ClientAddresses.First))
            using (var response = await http.GetAsync("/ws", TestContext.Current.CancellationToken))
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.Equal(
                    "This client already holds 20 open /ws connections; close one (one connection can follow every job), or raise AnimeProgress:Limits:Requests:MaxSocketsPerClient.",
                    problem!["detail"]!.GetValue<string>());
            }

            var (other, otherStatus) = await ClientAddresses.OpenAsync(uri, ClientAddresses.Second);
            Assert.True(other is not null, $"another client refused with {otherStatus}");
            open.Add(other);

            // A connection that ends gives its slot back.
            await ClientAddresses.CloseAllAsync([open[0]]);
            open.RemoveAt(0);
            open.Add(await OpenWhenFreeAsync(uri));
        }
        finally
        {
            await ClientAddresses.CloseAllAsync(open);
        }
    }

    private static async Task<ClientWebSocket> OpenWhenFreeAsync(Uri uri)
    {
        // The server sees the close a moment after the client sends it; poll with a generous deadline.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (socket, status) = await ClientAddresses.OpenAsync(uri, ClientAddresses.First);
            if (socket is not null)
            {
                return socket;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no slot after closing a connection (last answer {status})");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Loopback_clients_are_exempt_by_default()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?>());
        var uri = ClientAddresses.WebSocketUri(app.BaseAddress, "/ws");
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 25; i++)
            {
                var (socket, status) = await ClientAddresses.OpenAsync(uri, ClientAddresses.First);
                Assert.True(socket is not null, $"loopback connection {i + 1} refused with {status}");
                open.Add(socket);
            }
        }
        finally
        {
            await ClientAddresses.CloseAllAsync(open);
        }
    }
}
