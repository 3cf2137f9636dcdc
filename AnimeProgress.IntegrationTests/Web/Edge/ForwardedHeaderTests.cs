using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.IntegrationTests.Web.Limits;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 8: X-Forwarded-For and X-Forwarded-Proto are believed from AnimeProgress:Network:TrustedProxies only.
/// The address is observed through the per-client API allowance (keyed on the client's address after proxy
/// processing), the scheme through HSTS (sent on HTTPS answers only). The proxy is this machine at 127.0.0.1; another
/// machine is 127.0.0.2.
/// </summary>
public sealed class ForwardedHeaderTests
{
    private const int Permits = 2;

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance()
    {
        await using var app = Start(trustedProxy: "127.0.0.1");

        Assert.Equal([200, 200, 429], await StatusesAsync(app, ClientAddresses.First, "203.0.113.5", "203.0.113.5", "203.0.113.5"));
        // Another client behind the same proxy is not held back by the first.
        Assert.Equal([200, 200, 429], await StatusesAsync(app, ClientAddresses.First, "203.0.113.6", "203.0.113.6", "203.0.113.6"));
        // The proxy's own requests count against the proxy.
        Assert.Equal([200, 200, 429], await StatusesAsync(app, ClientAddresses.First, null, null, null));
    }

    [Fact]
    public async Task A_trusted_proxy_is_not_exempt_as_loopback_for_the_clients_it_forwards()
    {
        // Loopback is exempt by default (a same-host proxy's own checks keep working); the clients behind it are not.
        await using var app = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
            ["AnimeProgress:Limits:Requests:ApiPermitsPerWindow"] = $"{Permits}",
            ["AnimeProgress:Limits:Requests:ApiWindow"] = "01:00:00",
        });

        Assert.Equal([200, 200, 200, 200], await StatusesAsync(app, ClientAddresses.First, null, null, null, null));
        Assert.Equal([200, 200, 429], await StatusesAsync(app, ClientAddresses.First, "198.51.100.20", "198.51.100.20", "198.51.100.20"));
    }

    [Fact]
    public async Task X_Forwarded_For_from_an_address_that_is_not_a_trusted_proxy_is_ignored()
    {
        await using var app = Start(trustedProxy: "127.0.0.1");

        // 127.0.0.2 is not the proxy: whatever it claims, every request counts against 127.0.0.2.
        Assert.Equal([200, 200, 429, 429], await StatusesAsync(app, ClientAddresses.Second, "203.0.113.7", "203.0.113.8", "203.0.113.9", "127.0.0.1"));
    }

    [Fact]
    public async Task Without_trusted_proxies_not_even_loopback_is_believed()
    {
        // The framework on its own trusts loopback as a proxy; with no TrustedProxies the app trusts nobody.
        await using var app = Start(trustedProxy: null);

        Assert.Equal([200, 200, 429], await StatusesAsync(app, ClientAddresses.First, "203.0.113.11", "203.0.113.12", "203.0.113.13"));
    }

    [Fact]
    public async Task A_client_cannot_choose_its_address_by_sending_X_Forwarded_For_through_the_proxy()
    {
        await using var app = Start(trustedProxy: "127.0.0.0/8");

        // The proxy appends the address it saw; whatever the client wrote before it is not believed.
        Assert.Equal(
            [200, 200, 429],
            await StatusesAsync(app, ClientAddresses.First, "10.9.9.1, 203.0.113.20", "10.9.9.2, 203.0.113.20", "10.9.9.3, 203.0.113.20"));
        // Through two trusted proxies in a row (a load balancer, then nginx) the client is the first untrusted hop.
        Assert.Equal([200, 200, 429], await StatusesAsync(app, ClientAddresses.First, "203.0.113.21, 127.0.0.5", "203.0.113.21, 127.0.0.6", "203.0.113.21"));
    }

    [Fact]
    public async Task X_Forwarded_Proto_is_believed_from_a_trusted_proxy_only()
    {
        // Production: HSTS, sent on HTTPS answers only, shows which scheme the app took the request for.
        await using var app = await EdgeClients.StartProductionAsync(new Dictionary<string, string>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:PublicOrigins:0"] = EdgeClients.PublicOrigin,
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
        });
        var https = new Dictionary<string, string> { ["Host"] = EdgeClients.PublicHost, ["X-Forwarded-Proto"] = "https", ["X-Forwarded-For"] = "203.0.113.30" };

        using (var viaProxy = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", ClientAddresses.First, https))
        {
            Assert.Equal(HttpStatusCode.OK, viaProxy.StatusCode);
            Assert.NotNull(EdgeClients.Header(viaProxy, "Strict-Transport-Security"));
        }

        using (var direct = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", ClientAddresses.Second, https))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
            Assert.Null(EdgeClients.Header(direct, "Strict-Transport-Security"));
        }

        // A forwarded host the app does not answer to is not believed, and with it nothing else of that hop.
        var foreignHost = new Dictionary<string, string>(https) { ["Host"] = "127.0.0.1", ["X-Forwarded-Host"] = "evil.example" };
        using (var forged = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", ClientAddresses.First, foreignHost))
        {
            Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
            Assert.Null(EdgeClients.Header(forged, "Strict-Transport-Security"));
        }

        var publicHost = new Dictionary<string, string>(https) { ["Host"] = "127.0.0.1", ["X-Forwarded-Host"] = EdgeClients.PublicHost };
        using (var forwarded = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", ClientAddresses.First, publicHost))
        {
            Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
            Assert.NotNull(EdgeClients.Header(forwarded, "Strict-Transport-Security"));
        }
    }

    private static AppHost Start(string? trustedProxy)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false",
            ["AnimeProgress:Limits:Requests:ApiPermitsPerWindow"] = $"{Permits}",
            ["AnimeProgress:Limits:Requests:ApiWindow"] = "01:00:00",
        };
        if (trustedProxy is not null)
        {
            settings["AnimeProgress:Network:TrustedProxies:0"] = trustedProxy;
        }

        return ApiApps.Start(settings);
    }

    /// <summary>GET /api/instances once per entry, from <paramref name="from"/>, with that X-Forwarded-For (none for null).</summary>
    private static async Task<List<int>> StatusesAsync(AppHost app, IPAddress from, params string?[] forwardedFor)
    {
        var statuses = new List<int>();
        foreach (var entry in forwardedFor)
        {
            var headers = entry is null ? null : new Dictionary<string, string> { ["X-Forwarded-For"] = entry };
            using var response = await EdgeClients.GetAsync(app.BaseAddress, "/api/instances", from, headers);
            statuses.Add((int)response.StatusCode);
        }

        return statuses;
    }
}
