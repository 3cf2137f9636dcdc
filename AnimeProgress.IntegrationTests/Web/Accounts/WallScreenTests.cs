using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Limits;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// Wall screens (AnimeProgress:Access:AnonymousRole = Viewer): a browser that has not signed in sees the pages, the
/// live circuit and previews from the listed networks, and nothing more; elsewhere, and by default, it signs in. A
/// configured API token keeps the app off its first start, so only the setting under test lets anyone in.
/// </summary>
public sealed class WallScreenTests
{
    private const string ApiToken = "wall-screen-test-token-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppHost Start(IDictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Api:Tokens:0"] = ApiToken,
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "true",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return AppHost.Start(settings);
    }

    /// <summary>GET from <paramref name="from"/>, no cookies, redirects not followed (the tests read them).</summary>
    private static async Task<HttpResponseMessage> GetAsync(AppHost app, IPAddress from, string path)
    {
        var handler = ClientAddresses.Handler(from);
        handler.AllowAutoRedirect = false;
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        return await http.GetAsync(new Uri(path, UriKind.Relative), Ct);
    }

    [Fact]
    public async Task Off_by_default_a_browser_that_has_not_signed_in_is_sent_to_the_sign_in_page()
    {
        await using var app = Start(new Dictionary<string, string?>());

        foreach (var from in new[] { ClientAddresses.First, ClientAddresses.Second })
        {
            using var page = await GetAsync(app, from, "/");
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.Equal("/login?ReturnUrl=%2F", page.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    public async Task From_a_listed_network_the_dashboard_and_its_circuit_open_without_signing_in_and_nothing_more()
    {
        await using var app = Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Access:AnonymousRole"] = "Viewer",
            ["AnimeProgress:Access:AnonymousNetworks:0"] = "127.0.0.2/32",
        });
        await Browser.AddUserAsync(app, "ada", "Admin", "a long enough password");
        var wall = ClientAddresses.Second;

        foreach (var path in new[] { "/", "/fleet", "/history" })
        {
            using var page = await GetAsync(app, wall, path);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode} {page.Headers.Location}");
        }

        var circuit = await ClientAddresses.ConnectCircuitAsync(app, wall);
        await ClientAddresses.CloseAllAsync([circuit]);
        // Previews are part of the pages: past the access check to the endpoint's own "no such preview".
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(app, wall, "/api/jobs/1/preview")).StatusCode);

        // It is not a sign-in: no readiness detail, no API without the token, and the sign-in page offers to sign in.
        using (var ready = await GetAsync(app, wall, "/readyz"))
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(await ready.Content.ReadAsStringAsync(Ct))!.AsObject();
            Assert.Equal(["status"], body.Select(p => p.Key));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(app, wall, "/api/jobs")).StatusCode);
        using (var login = await GetAsync(app, wall, "/login"))
        {
            var text = await login.Content.ReadAsStringAsync(Ct);
            Assert.Contains("name=\"password\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("You are signed in", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task From_an_address_outside_the_listed_networks_signing_in_is_still_required()
    {
        await using var app = Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Access:AnonymousRole"] = "Viewer",
            ["AnimeProgress:Access:AnonymousNetworks:0"] = "127.0.0.2/32",
            ["AnimeProgress:Access:AnonymousNetworks:1"] = "10.20.0.0/16",
        });

        using (var page = await GetAsync(app, ClientAddresses.First, "/"))
        {
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        using var http = ClientAddresses.Http(app.BaseAddress, ClientAddresses.First);
        using var negotiate = await http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, ClientAddresses.Second, "/")).StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_address_decides_and_the_proxy_itself_never_counts()
    {
        await using var app = Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
            ["AnimeProgress:Access:AnonymousRole"] = "viewer",
            // The proxy's own address is inside the wall screens' network, as a same-host proxy's would be.
            ["AnimeProgress:Access:AnonymousNetworks:0"] = "127.0.0.0/8",
            ["AnimeProgress:Access:AnonymousNetworks:1"] = "203.0.113.0/24",
        });

        foreach (var (forwardedFor, expected) in new (string?, HttpStatusCode)[]
        {
            ("203.0.113.7", HttpStatusCode.OK),
            ("198.51.100.9", HttpStatusCode.Found),
            (null, HttpStatusCode.Found),
        })
        {
            using var browser = new Browser(app, forwardedFor);
            using var page = await browser.GetAsync("/");
            Assert.True(expected == page.StatusCode, $"X-Forwarded-For {forwardedFor ?? "(none)"}: {(int)page.StatusCode}");
        }
    }

    [Fact]
    public async Task With_no_network_listed_every_address_gets_the_dashboard_and_a_signed_in_account_stays_itself()
    {
        await using var app = Start(new Dictionary<string, string?> { ["AnimeProgress:Access:AnonymousRole"] = "Viewer" });
        await Browser.AddUserAsync(app, "ada", "Admin", "a long enough password");

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, ClientAddresses.First, "/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, ClientAddresses.Second, "/")).StatusCode);

        using var browser = new Browser(app);
        await browser.SignInOrFailAsync("ada", "a long enough password");
        Assert.Contains("You are signed in as <strong>ada</strong>", await browser.TextAsync("/login"), StringComparison.Ordinal);
        Assert.NotNull((await browser.ReadinessAsync())["checks"]);
    }
}
