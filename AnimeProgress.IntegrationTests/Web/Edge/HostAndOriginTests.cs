using System.Net;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.Web.Hosting.Edge;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 9: the app answers only to its own host names (AllowedHosts: loopback plus the hosts of
/// AnimeProgress:Network:PublicOrigins), and /ws and the dashboard's circuits (/_blazor) take browser pages only from
/// the public origins or loopback. The Origin is never compared with the Host: a DNS-rebinding page reaches the app
/// under the attacker's own name, so its Host and Origin agree.
/// </summary>
public sealed class HostAndOriginTests
{
    private const string Evil = "http://evil.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_name_the_app_does_not_answer_to_is_refused_with_400_everywhere()
    {
        await using var app = Start();
        var port = app.BaseAddress.Port;

        foreach (var path in new[] { "/", "/healthz", "/api/instances", "/api/jobs/1/preview" })
        {
            using var foreign = await EdgeClients.GetAsync(app.BaseAddress, path, headers: Host("evil.example"));
            Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
            using var foreignWithPort = await EdgeClients.GetAsync(app.BaseAddress, path, headers: Host($"evil.example:{port}"));
            Assert.Equal(HttpStatusCode.BadRequest, foreignWithPort.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await EdgeClients.UpgradeAsync(app.BaseAddress, "/ws", Host("evil.example"))).Status);
        using var negotiate = await EdgeClients.SendAsync(app.BaseAddress, HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", headers: Host("evil.example"));
        Assert.Equal(HttpStatusCode.BadRequest, negotiate.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData(EdgeClients.PublicHost)]
    [InlineData("PROGRESS.Studio.Example")]
    public async Task Loopback_names_and_the_public_origins_hosts_are_served(string host)
    {
        await using var app = Start();

        using var page = await EdgeClients.GetAsync(app.BaseAddress, "/", headers: Host($"{host}:{app.BaseAddress.Port}"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var api = await EdgeClients.GetAsync(app.BaseAddress, "/api/instances", headers: Host(host));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task Ws_takes_pages_from_the_public_origins_and_loopback_and_refuses_any_other()
    {
        await using var app = Start();

        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await UpgradeAsync(app, "/ws", EdgeClients.PublicOrigin, EdgeClients.PublicHost)).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await UpgradeAsync(app, "/ws", "http://localhost:5149", "localhost")).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await UpgradeAsync(app, "/ws", "http://127.0.0.1:5149", "127.0.0.1")).Status);

        // The public origin exactly: another scheme or port of the same host is another origin.
        foreach (var origin in new[] { Evil, "http://progress.studio.example", "https://progress.studio.example:8443", "https://progress.studio.example.evil.example" })
        {
            var (status, body) = await UpgradeAsync(app, "/ws", origin, EdgeClients.PublicHost);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains(OriginRefusal.Sentence(origin), JsonNode.Parse(body)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Circuits_take_pages_from_the_public_origins_and_refuse_any_other()
    {
        await using var app = Start();

        using (var refused = await NegotiateAsync(app, Evil, "127.0.0.1"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(OriginRefusal.Sentence(Evil), await refused.Content.ReadAsStringAsync(Ct));
        }

        using var accepted = await NegotiateAsync(app, EdgeClients.PublicOrigin, EdgeClients.PublicHost);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var token = JsonNode.Parse(await accepted.Content.ReadAsStringAsync(Ct))!["connectionToken"]!.GetValue<string>();
        var circuit = "/_blazor?id=" + Uri.EscapeDataString(token);

        // The circuit's WebSocket itself is checked too (a page may skip negotiate).
        Assert.Equal(HttpStatusCode.Forbidden, (await UpgradeAsync(app, circuit, Evil, "127.0.0.1")).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await UpgradeAsync(app, circuit, EdgeClients.PublicOrigin, EdgeClients.PublicHost)).Status);
    }

    [Fact]
    public async Task A_dns_rebinding_page_is_refused_even_where_every_host_name_is_allowed()
    {
        // The operator opened AllowedHosts to everything: the attacker's name reaches the app, and its page's Origin is
        // that same name. Comparing Origin with Host (as main did) would let it in.
        await using var app = Start(new Dictionary<string, string?> { ["AllowedHosts"] = "*" });
        var rebound = $"rebound.attacker.example:{app.BaseAddress.Port}";
        var origin = $"http://{rebound}";

        using (var page = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", headers: Host(rebound)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var (status, body) = await UpgradeAsync(app, "/ws", origin, rebound);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(OriginRefusal.Sentence(origin), body, StringComparison.Ordinal);
        using (var negotiate = await NegotiateAsync(app, origin, rebound))
        {
            Assert.Equal(HttpStatusCode.Forbidden, negotiate.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await UpgradeAsync(app, "/_blazor?id=anything", origin, rebound)).Status);
    }

    private static AppHost Start(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:PublicOrigins:0"] = EdgeClients.PublicOrigin,
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return ApiApps.Start(settings);
    }

    private static Dictionary<string, string> Host(string host) => new() { ["Host"] = host };

    private static Task<(HttpStatusCode Status, string Body)> UpgradeAsync(AppHost app, string path, string origin, string host) =>
        EdgeClients.UpgradeAsync(app.BaseAddress, path, new Dictionary<string, string> { ["Host"] = host, ["Origin"] = origin });

    /// <summary>The first request of Blazor's script for a circuit, as a page of <paramref name="origin"/> sends it.</summary>
    private static Task<HttpResponseMessage> NegotiateAsync(AppHost app, string origin, string host) =>
        EdgeClients.SendAsync(app.BaseAddress, HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", headers: new Dictionary<string, string> { ["Host"] = host, ["Origin"] = origin });
}
