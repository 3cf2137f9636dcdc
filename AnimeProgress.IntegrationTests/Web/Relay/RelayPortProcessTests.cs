using System.Net;
using System.Net.Sockets;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// <c>AnimeProgress:Relay:Port</c> in the app as an operator starts it: with <c>--urls</c> set, the dashboard keeps its
/// address and the relay also answers on its own port; a port that cannot be the relay's stops start-up by name.
/// </summary>
public sealed class RelayPortProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_urls_set_the_dashboard_keeps_its_address_and_the_relay_answers_on_its_own_port_too()
    {
        await using var frontend = await FrontendInstance.StartAsync(Ct);
        var relayPort = FreePort();
        await using var app = await AppServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu-1",
            ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = frontend.BaseUrl.ToString(),
            ["AnimeProgress__Relay__Port"] = relayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, Ct);
        var relay = new Uri($"http://127.0.0.1:{relayPort}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var health = await http.GetAsync(new Uri(app.BaseAddress, "/healthz"), Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // The first start (no account, no key): the relay is open, as the API is.
        using var page = await Eventually.GetAsync(async () =>
        {
            var response = await http.GetAsync(new Uri(relay, "/comfyui/gpu-1/"), Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            response.Dispose();
            return null;
        }, what: "the relay port answering: " + app.Output);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains(FrontendInstance.PageText, await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var dashboardOnRelayPort = await http.GetAsync(new Uri(relay, "/healthz"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, dashboardOnRelayPort.StatusCode);
        using var pageOnDashboard = await http.GetAsync(new Uri(app.BaseAddress, "/comfyui/gpu-1/"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, pageOnDashboard.StatusCode);
    }

    [Fact]
    public async Task The_dashboards_own_port_stops_start_up_naming_the_key()
    {
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string>
            {
                ["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu",
                ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = "http://127.0.0.1:9",
                ["AnimeProgress__Relay__Port"] = port,
            },
            ["--urls", $"http://127.0.0.1:{port}"],
            Ct);

        Assert.Equal(1, exitCode);
        Assert.Contains($"AnimeProgress:Relay:Port ({port}) is the dashboard's own port", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_outside_the_tcp_range_stops_start_up_naming_the_key()
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string>
            {
                ["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu",
                ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = "http://127.0.0.1:9",
                ["AnimeProgress__Relay__Port"] = "70000",
            },
            Ct);

        Assert.Equal(1, exitCode);
        Assert.Contains("AnimeProgress:Relay:Port must be a TCP port", output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
