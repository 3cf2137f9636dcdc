using System.Net;
using System.Net.WebSockets;
using System.Text;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Api.WebSockets;

/// <summary>
/// What /ws refuses: oversized messages (1009), floods (1008), pages from other origins (403 before
/// the upgrade), plain HTTP. An app without ComfyUI, with small limits so the tests stay quick.
/// </summary>
public sealed class WebSocketAbuseTests(WebSocketAbuseTests.LimitedApp limited) : IClassFixture<WebSocketAbuseTests.LimitedApp>
{
    public sealed class LimitedApp : IAsyncDisposable
    {
        internal AppHost App { get; } = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Api:MaxMessageBytes"] = "1024",
            ["AnimeProgress:Api:MaxMessagesPerSecond"] = "5",
            ["AnimeProgress:Api:MessageBurst"] = "10",
            ["AnimeProgress:Api:AllowedOrigins:0"] = "https://studio.example",
        });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => limited.App;

    [Fact]
    public async Task A_message_over_the_size_limit_closes_the_connection_with_1009()
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        await client.SendAsync("{\"type\":\"ping\",\"padding\":\"" + new string('x', 2000) + "\"}");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_message_of_exactly_the_size_limit_is_taken()
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");
        var message = "{\"type\":\"ping\",\"padding\":\"\"}";
        message = message.Insert(message.Length - 2, new string('x', 1024 - Encoding.UTF8.GetByteCount(message)));
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(message));

        await client.SendAsync(message);

        await client.ReceiveTypeAsync("pong");
    }

    [Fact]
    public async Task A_flood_of_messages_beyond_the_rate_closes_the_connection_with_1008()
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        try
        {
            for (var i = 0; i < 200; i++)
            {
                await client.SendAsync("""{"type":"ping"}""");
            }
        }
        catch (WebSocketException)
        {
            // The server may have closed before the last sends.
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_burst_within_the_limit_is_fine()
    {
        await using var client = await WsClient.ConnectAsync(App.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        for (var i = 0; i < 8; i++)
        {
            await client.SendAsync("""{"type":"ping"}""");
        }

        for (var i = 0; i < 8; i++)
        {
            await client.ReceiveTypeAsync("pong");
        }
    }

    [Theory]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost.evil.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    [InlineData("https://studio.example", HttpStatusCode.SwitchingProtocols)]
    [InlineData("https://STUDIO.example:443", HttpStatusCode.SwitchingProtocols)]
    public async Task Origins_other_than_the_apps_own_need_to_be_allowed(string origin, HttpStatusCode expected)
    {
        var status = await WsClient.StatusOfConnectAsync(App.BaseAddress, o => o.SetRequestHeader("Origin", origin));

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task The_apps_own_pages_and_programs_without_an_origin_may_connect()
    {
        var own = App.BaseAddress.GetLeftPart(UriPartial.Authority);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WsClient.StatusOfConnectAsync(App.BaseAddress, o => o.SetRequestHeader("Origin", own)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WsClient.StatusOfConnectAsync(App.BaseAddress));
    }

    [Fact]
    public async Task A_refused_origin_gets_a_problem_details_body()
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Origin not allowed", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_to_the_websocket_endpoint_gets_a_400_problem()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/ws", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
