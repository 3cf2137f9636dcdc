using System.Net;
using System.Net.Sockets;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.IntegrationTests.Web.Limits;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.IntegrationTests.Web.Telemetry;

/// <summary>
/// Who may read <c>/metrics</c>: this machine at the first start, then a key with scope <c>read</c> or an Admin's
/// session; not a Viewer, an Operator, a wall screen, a key without <c>read</c>, a refused key or nobody. With
/// <c>AnimeProgress:Metrics:Port</c> the scrape moves to that port and leaves the app's own address.
/// </summary>
public sealed class MetricsAccessTests
{
    private const string Password = "a long enough password";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppHost Start(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "true",
            // Wall screens: anonymous Viewers from this one address (127.0.0.1 stays an ordinary client).
            ["AnimeProgress:Access:AnonymousRole"] = "Viewer",
            ["AnimeProgress:Access:AnonymousNetworks:0"] = "127.0.0.2/32",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return AppHost.Start(settings);
    }

    private static async Task<HttpStatusCode> ScrapeAsync(HttpClient http, string? key = null)
    {
        using var request = KeyApps.Request(HttpMethod.Get, "/metrics", key);
        using var response = await http.SendAsync(request, Ct);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            // Allowed means the real scrape: the project's meters in Prometheus's text format.
            Assert.Contains("animeprogress_jobs{", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        else if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }

        return response.StatusCode;
    }

    [Fact]
    public async Task This_machine_reads_it_at_the_first_start_then_only_a_read_key_or_an_Admin_session()
    {
        await using var app = Start();
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(anonymous));

        await Browser.AddUserAsync(app, "ada", AppRoles.Admin, Password);
        await Browser.AddUserAsync(app, "vic", AppRoles.Viewer, Password);
        await Browser.AddUserAsync(app, "otto", AppRoles.Operator, Password);

        // Accounts made by the CLI (another process) end the first start within AccountPresence.RecheckInterval; then
        // no identity, or a key that is not one: 401.
        var status = HttpStatusCode.OK;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((status = await ScrapeAsync(anonymous)) == HttpStatusCode.OK && waited.Elapsed < AccountPresence.RecheckInterval * 5)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, await ScrapeAsync(anonymous, "ap_nosuchkey_0123456789abcdef0123456789abcdef"));

        // Keys: read is what it takes (a Viewer's read key is enough); submit alone is not.
        var (_, readKey) = await KeyApps.KeyAsync(app, "prometheus", AppRoles.Viewer, ApiScope.Read);
        var (_, submitKey) = await KeyApps.KeyAsync(app, "pipeline", AppRoles.Operator, ApiScope.Submit);
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(anonymous, readKey));
        Assert.Equal(HttpStatusCode.Forbidden, await ScrapeAsync(anonymous, submitKey));

        // Sessions: an Admin's, not a Viewer's or an Operator's.
        foreach (var (name, expected) in new[] { ("ada", HttpStatusCode.OK), ("vic", HttpStatusCode.Forbidden), ("otto", HttpStatusCode.Forbidden) })
        {
            using var browser = new Browser(app);
            await browser.SignInOrFailAsync(name, Password);
            Assert.True(expected == await ScrapeAsync(browser.Http), $"{name}'s session");
        }

        // A wall screen sees the dashboard without signing in, and not the metrics.
        using (var wall = ClientAddresses.Http(app.BaseAddress, ClientAddresses.Second))
        {
            using var page = await wall.GetAsync(new Uri("/", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, await ScrapeAsync(wall));
        }
    }

    [Fact]
    public async Task With_a_metrics_port_the_scrape_is_served_there_and_not_on_the_app_address()
    {
        var port = FreePort();
        await using var app = Start(new Dictionary<string, string?> { ["AnimeProgress:Metrics:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        using var own = app.CreateClient();
        using (var response = await own.GetAsync(new Uri("/metrics", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var scraper = new HttpClient();
        var text = await scraper.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), Ct);
        Assert.Contains("animeprogress_jobs{", text, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
