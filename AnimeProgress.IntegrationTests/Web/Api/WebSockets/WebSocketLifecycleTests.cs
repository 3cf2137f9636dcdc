using System.Net;
using System.Net.WebSockets;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Api.WebSockets;

/// <summary>Start-up checks of the API settings, the connection cap, and a polite close when the app stops.</summary>
public sealed class WebSocketLifecycleTests
{
    [Fact]
    public async Task Stopping_the_app_closes_clients_with_1001_going_away()
    {
        var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });
        await using var client = await WsClient.ConnectAsync(app.BaseAddress);
        await client.ReceiveTypeAsync("initial_jobs");

        var stopping = app.DisposeAsync().AsTask();
        var status = await client.ReceiveCloseAsync();
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", TestContext.Current.CancellationToken);
        await stopping;

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
    }

    [Fact]
    public async Task Clients_beyond_the_connection_cap_get_503_before_the_upgrade()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Api:MaxConnections"] = "2",
        });
        await using var first = await WsClient.ConnectAsync(app.BaseAddress);
        await using var second = await WsClient.ConnectAsync(app.BaseAddress);
        await first.ReceiveTypeAsync("initial_jobs");
        await second.ReceiveTypeAsync("initial_jobs");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await WsClient.StatusOfConnectAsync(app.BaseAddress));
    }

    [Theory]
    [InlineData("AnimeProgress__Api__Tokens__0", "short", "AnimeProgress:Api:Tokens:0")]
    [InlineData("AnimeProgress__Api__MaxMessageBytes", "12", "AnimeProgress:Api:MaxMessageBytes")]
    [InlineData("AnimeProgress__History__SampleInterval", "00:00:00", "AnimeProgress:History:SampleInterval")]
    public async Task A_bad_api_setting_stops_start_up_with_a_message_naming_the_key(string variable, string value, string named)
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string> { ["AnimeProgress__Demo__Enabled"] = "false", [variable] = value },
            TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
