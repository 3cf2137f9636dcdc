using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// The relay's own port (issue 17 item 4, "Origin"): there ComfyUI's frontend passes (pages, scripts, styles) without
/// the sandbox; on the dashboard's port the same answers are still refused; nothing of the dashboard answers on the
/// relay's port, and no cookie crosses it either way.
/// </summary>
public sealed class RelayPortTests : IAsyncLifetime
{
    private RelayPortApp _relay = null!;
    private string _read = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _relay = await RelayPortApp.StartAsync(Ct);
        _read = (await KeyApps.KeyAsync(_relay.App, "frontend", "Viewer", ApiScope.Read)).Text;
    }

    public async ValueTask DisposeAsync() => await _relay.DisposeAsync();

    private static async Task<HttpResponseMessage> GetAsync(Uri root, string path, string? key, string? cookie = null)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = KeyApps.Request(HttpMethod.Get, new Uri(root, path).ToString(), key);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await http.SendAsync(request, Ct);
    }

    private static string Csp(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(";", values) : "";

    [Fact]
    public void The_relay_port_is_its_own_origin()
    {
        Assert.NotEqual(_relay.App.BaseAddress.Port, _relay.RelayPort.Port);
        Assert.Equal("http", _relay.RelayPort.Scheme);
    }

    [Theory]
    [InlineData("", "text/html")]
    [InlineData("assets/app.js", "text/javascript")]
    [InlineData("assets/style.css", "text/css")]
    public async Task A_page_a_script_and_a_style_pass_on_the_relay_port_without_the_sandbox_and_are_refused_on_the_dashboards(string path, string type)
    {
        using var relayed = await GetAsync(_relay.RelayPort, "/comfyui/gpu-1/" + path, _read);
        Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
        Assert.Equal(type, relayed.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("sandbox", Csp(relayed), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", Csp(relayed), StringComparison.Ordinal);
        // The key may be in the page's address: it is not sent on as a referrer.
        Assert.Equal("no-referrer", string.Join(",", relayed.Headers.GetValues("Referrer-Policy")));
        if (path.Length == 0)
        {
            Assert.Contains(FrontendInstance.PageText, await relayed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var inAddress = await GetAsync(_relay.RelayPort, $"/comfyui/k/{_read}/gpu-1/{path}", null);
        Assert.Equal(HttpStatusCode.OK, inAddress.StatusCode);

        using var onDashboard = await GetAsync(_relay.App.BaseAddress, "/comfyui/gpu-1/" + path, _read);
        Assert.Equal(HttpStatusCode.Forbidden, onDashboard.StatusCode);
        Assert.Contains("sandbox", Csp(onDashboard), StringComparison.Ordinal);
        Assert.DoesNotContain(FrontendInstance.PageText, await onDashboard.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/login")]
    [InlineData("/fleet")]
    [InlineData("/api/jobs")]
    [InlineData("/api/instances")]
    [InlineData("/ws")]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    [InlineData("/_framework/blazor.web.js")]
    public async Task Nothing_of_the_dashboard_answers_on_the_relay_port(string path)
    {
        using var onDashboard = await GetAsync(_relay.App.BaseAddress, path, _read);
        Assert.NotEqual(HttpStatusCode.NotFound, onDashboard.StatusCode);

        using var onRelayPort = await GetAsync(_relay.RelayPort, path, _read);
        Assert.Equal(HttpStatusCode.NotFound, onRelayPort.StatusCode);
        Assert.Contains("/comfyui/<instance>/", await onRelayPort.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_cookie_is_not_a_key_there_is_not_passed_on_and_no_cookie_is_set()
    {
        await Browser.AddUserAsync(_relay.App, "alice", "Admin", "correct horse battery staple");
        using var browser = new Browser(_relay.App);
        await browser.SignInOrFailAsync("alice", "correct horse battery staple");
        var session = browser.Cookies.GetCookies(_relay.App.BaseAddress)["AnimeProgress.Session"]!;
        var cookie = $"{session.Name}={session.Value}";

        // The browser sends the dashboard's cookie to every port of the host: on the relay port it is no sign-in.
        using var cookieOnly = await GetAsync(_relay.RelayPort, "/comfyui/gpu-1/", null, cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, cookieOnly.StatusCode);

        using var withKey = await GetAsync(_relay.RelayPort, "/comfyui/gpu-1/", _read, cookie);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal("", _relay.Frontend.LastCookie);
        Assert.False(withKey.Headers.Contains("Set-Cookie"), string.Join(" | ", withKey.Headers.Select(h => h.Key)));

        // The instance does set one when asked directly: the relay is what removes it.
        using var http = new HttpClient();
        using var direct = await http.GetAsync(_relay.Frontend.BaseUrl, Ct);
        Assert.Contains(direct.Headers.GetValues("Set-Cookie"), v => v.StartsWith(FrontendInstance.CookieName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_on_the_relay_port_may_not_open_a_dashboard_circuit_even_on_loopback()
    {
        async Task<HttpResponseMessage> NegotiateFromAsync(Uri origin)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_relay.App.BaseAddress, "/_blazor/negotiate?negotiateVersion=1"));
            request.Headers.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
            return await http.SendAsync(request, Ct);
        }

        // Loopback pages are trusted on any port, but not on the relay's, where ComfyUI's frontend runs.
        using var fromDashboard = await NegotiateFromAsync(_relay.App.BaseAddress);
        Assert.NotEqual(HttpStatusCode.Forbidden, fromDashboard.StatusCode);
        using var fromRelayPort = await NegotiateFromAsync(_relay.RelayPort);
        Assert.Equal(HttpStatusCode.Forbidden, fromRelayPort.StatusCode);
        Assert.Contains("may not connect", await fromRelayPort.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_instance_without_its_slash_is_sent_to_it_with_the_slash_keeping_the_key_in_the_address()
    {
        using var response = await GetAsync(_relay.RelayPort, $"/comfyui/k/{_read}/gpu-1?x=1", null);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = new Uri(new Uri(_relay.RelayPort, $"/comfyui/k/{_read}/gpu-1?x=1"), response.Headers.Location!);
        Assert.Equal($"/comfyui/k/{_read}/gpu-1/", target.AbsolutePath);
        Assert.Equal("?x=1", target.Query);

        using var page = await GetAsync(_relay.RelayPort, target.PathAndQuery, null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }
}
