using System.Net;
using System.Text.RegularExpressions;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.IntegrationTests.Web.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 8 (and 2: no sniffing): the headers on the app's answers. nosniff, Referrer-Policy, no framing, and a
/// CSP under which only the app's own scripts and the page's import map (by this request's nonce) run, never eval;
/// HSTS only outside Development and only on HTTPS (here: HTTPS as a trusted proxy reports it).
/// </summary>
public sealed partial class SecurityHeaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pages_api_answers_and_refusals_carry_nosniff_a_referrer_policy_and_no_framing()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });
        using var http = app.CreateClient();

        foreach (var path in new[] { "/", "/api/instances", "/api/no-such-thing", "/healthz" })
        {
            using var response = await http.GetAsync(path, Ct);
            Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Single(response, "Referrer-Policy"));
            Assert.Equal("DENY", Single(response, "X-Frame-Options"));
            Assert.Equal("same-origin", Single(response, "Cross-Origin-Opener-Policy"));
            Assert.Equal("same-origin", Single(response, "Cross-Origin-Resource-Policy"));
            Assert.Contains("frame-ancestors 'none'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_csp_runs_only_the_apps_own_scripts_and_the_import_map_by_this_requests_nonce()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });
        using var http = app.CreateClient();

        using var first = await http.GetAsync("/", Ct);
        var csp = Directives(Single(first, "Content-Security-Policy"));
        var nonce = Assert.Single(csp["script-src"], s => s.StartsWith("'nonce-", StringComparison.Ordinal))["'nonce-".Length..^1];
        Assert.Equal(["'self'", $"'nonce-{nonce}'"], csp["script-src"]);
        Assert.Equal(["'self'"], csp["default-src"]);
        // MudBlazor writes style attributes and its theme's <style> from the circuit; styles cannot run code.
        Assert.Equal(["'self'", "'unsafe-inline'"], csp["style-src"]);
        Assert.Equal(["'self'", "data:"], csp["img-src"]);
        Assert.Equal(["'self'", "data:"], csp["font-src"]);
        Assert.Equal(["'self'"], csp["connect-src"]);
        Assert.Equal(["'none'"], csp["object-src"]);
        Assert.Equal(["'self'"], csp["base-uri"]);
        Assert.Equal(["'self'"], csp["form-action"]);
        Assert.Equal(["'none'"], csp["frame-ancestors"]);
        Assert.DoesNotContain(csp.Values.SelectMany(v => v), s => s is "'unsafe-eval'" or "*" or "'strict-dynamic'");

        // The page's one inline script (the import map) carries that nonce; every other script is a file of the app.
        var page = await first.Content.ReadAsStringAsync(Ct);
        var scripts = ScriptTag().Matches(page).Select(m => m.Value).ToList();
        var inline = Assert.Single(scripts, t => !t.Contains(" src=", StringComparison.Ordinal));
        Assert.Contains("type=\"importmap\"", inline, StringComparison.Ordinal);
        // As a browser reads the attribute: the base64 nonce's '+' and '/' may be written as character references.
        Assert.Equal(nonce, WebUtility.HtmlDecode(NonceAttribute().Match(inline).Groups["nonce"].Value));
        Assert.All(scripts.Where(t => t != inline), t => Assert.Matches("src=\"_(framework|content)/[^\":]+\\.js\"", t));

        // A nonce is per request: a page that leaked one cannot reuse it.
        using var second = await http.GetAsync("/", Ct);
        Assert.DoesNotContain($"'nonce-{nonce}'", Single(second, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hsts_is_sent_outside_development_on_https_answers_for_a_studio_host_only()
    {
        await using var app = await EdgeClients.StartProductionAsync(new Dictionary<string, string>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:PublicOrigins:0"] = EdgeClients.PublicOrigin,
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
        });

        using (var https = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", headers: Forwarded(EdgeClients.PublicHost, "https")))
        {
            Assert.Equal(HttpStatusCode.OK, https.StatusCode);
            Assert.Equal("max-age=31536000", Single(https, "Strict-Transport-Security"));
        }

        // Plain http: a browser ignores HSTS there, and sending it would say nothing true.
        using (var http = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", headers: Forwarded(EdgeClients.PublicHost, "http")))
        {
            Assert.Equal(HttpStatusCode.OK, http.StatusCode);
            Assert.Null(EdgeClients.Header(http, "Strict-Transport-Security"));
        }

        // Never for a loopback name: it would pin every local app on that name to https.
        using (var loopback = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", headers: Forwarded("localhost", "https")))
        {
            Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
            Assert.Null(EdgeClients.Header(loopback, "Strict-Transport-Security"));
        }
    }

    [Theory]
    [InlineData("1.00:00:00", "max-age=86400")]
    [InlineData("00:00:00", null)]
    public async Task Hsts_max_age_follows_the_setting_and_zero_sends_none(string maxAge, string? expected)
    {
        await using var app = await EdgeClients.StartProductionAsync(new Dictionary<string, string>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:PublicOrigins:0"] = EdgeClients.PublicOrigin,
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
            ["AnimeProgress:Network:HstsMaxAge"] = maxAge,
        });

        using var https = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", headers: Forwarded(EdgeClients.PublicHost, "https"));

        Assert.Equal(HttpStatusCode.OK, https.StatusCode);
        Assert.Equal(expected, EdgeClients.Header(https, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Hsts_is_never_sent_in_development()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:PublicOrigins:0"] = EdgeClients.PublicOrigin,
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
        });
        Assert.True(app.Services.GetRequiredService<IHostEnvironment>().IsDevelopment());

        // The request the Production app answers with HSTS above.
        using var https = await EdgeClients.GetAsync(app.BaseAddress, "/healthz", headers: Forwarded(EdgeClients.PublicHost, "https"));

        Assert.Equal(HttpStatusCode.OK, https.StatusCode);
        Assert.Equal("nosniff", Single(https, "X-Content-Type-Options"));
        Assert.Null(EdgeClients.Header(https, "Strict-Transport-Security"));
    }

    /// <summary>What a reverse proxy on this machine sends for a browser that asked for <paramref name="host"/> over <paramref name="scheme"/>.</summary>
    private static Dictionary<string, string> Forwarded(string host, string scheme) => new()
    {
        ["Host"] = host,
        ["X-Forwarded-For"] = "203.0.113.10",
        ["X-Forwarded-Proto"] = scheme,
    };

    private static string Single(HttpResponseMessage response, string name) =>
        EdgeClients.Header(response, name) ?? throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} answer to {response.RequestMessage?.RequestUri} has no {name}");

    private static Dictionary<string, string[]> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts[1..]);

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("\\bnonce=\"(?<nonce>[^\"]*)\"")]
    private static partial Regex NonceAttribute();
}
