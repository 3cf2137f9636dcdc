using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Limits;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// The first-start rule on the real app: until an account or key exists, this machine is Admin without signing in and
/// every other address is told how to create the first account. "Elsewhere" is a client a trusted proxy on loopback
/// forwards (X-Forwarded-For with a documentation address; no traffic goes there).
/// </summary>
public sealed class FirstStartTests
{
    private const string Elsewhere = "203.0.113.7";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppHost Start(bool behindProxy = false)
    {
        var settings = new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false", ["AnimeProgress:Accounts:RevalidationInterval"] = "00:00:01" };
        if (behindProxy)
        {
            settings["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1";
        }

        return AppHost.Start(settings);
    }

    [Fact]
    public async Task On_the_first_start_this_machine_is_Admin_without_signing_in()
    {
        await using var app = Start();
        using var browser = new Browser(app);

        using (var page = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var negotiate = await browser.Http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        }

        Assert.NotNull((await browser.ReadinessAsync())["checks"]);
        var login = await browser.TextAsync("/login");
        Assert.Contains("No account yet", login, StringComparison.Ordinal);
        Assert.Contains("users add NAME --role Admin", login, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_a_trusted_proxy_a_visitor_from_elsewhere_gets_the_first_user_page_and_nothing_else()
    {
        await using var app = Start(behindProxy: true);
        // The same-host proxy passing a request on without X-Forwarded-For must not make it local either.
        foreach (var forwardedFor in new[] { Elsewhere, null })
        {
            using var visitor = new Browser(app, forwardedFor);

            using (var page = await visitor.GetAsync("/history"))
            {
                Assert.Equal(HttpStatusCode.Found, page.StatusCode);
                Assert.Equal("/login?ReturnUrl=%2Fhistory", page.Headers.Location!.PathAndQuery);
            }

            var login = await visitor.TextAsync("/login?ReturnUrl=%2Fhistory");
            Assert.Contains("Create the first account", login, StringComparison.Ordinal);
            Assert.Contains("dotnet run --project AnimeProgress.Web -- users add NAME --role Admin", login, StringComparison.Ordinal);
            Assert.DoesNotContain("name=\"password\"", login, StringComparison.Ordinal);

            // Previews and the circuit answer with the bare status; readiness with the overall status alone.
            Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync("/api/jobs/1/preview")).StatusCode);
            using (var negotiate = await visitor.Http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
            }

            Assert.Equal(["status"], (await visitor.ReadinessAsync()).Select(p => p.Key));
            Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/healthz")).StatusCode);
        }

        // The circuit's WebSocket itself is refused too, not only its negotiate.
        var (socket, status) = await ClientAddresses.OpenAsync(ClientAddresses.WebSocketUri(app.BaseAddress, "/_blazor", "id=anything"), ClientAddresses.First);
        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Once_the_first_account_exists_this_machine_must_sign_in_too()
    {
        await using var app = Start();
        using var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        // Made by the CLI against the app's database, as an operator would: the app notices within seconds.
        await Browser.AddUserAsync(app, "ada", "Admin", "first admin password");

        await Eventually.True(() => browser.GetAsync("/").GetAwaiter().GetResult().StatusCode == HttpStatusCode.Found, TimeSpan.FromSeconds(20), "loopback asked to sign in");
        var login = await browser.TextAsync("/login");
        Assert.Contains("name=\"password\"", login, StringComparison.Ordinal);
        Assert.DoesNotContain("No account yet", login, StringComparison.Ordinal);
        Assert.Equal(["status"], (await browser.ReadinessAsync()).Select(p => p.Key));

        await browser.SignInOrFailAsync("ada", "first admin password");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_dashboard_opened_on_the_first_start_is_ended_once_the_first_account_exists()
    {
        await using var app = Start();
        using var browser = new Browser(app);
        var circuit = await CircuitClient.OpenAsync(app, browser);
        using var socket = circuit.Socket;

        // Admin only because nobody had an account: an account made elsewhere (the CLI) ends it within a few sweeps,
        // and its reconnect meets the sign-in rule.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.False(circuit.Closed.IsCompleted, "the first start's circuit was closed before any account existed");
        await Browser.AddUserAsync(app, "ada", "Admin", "first admin password");

        await circuit.Closed.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        using var negotiate = await browser.Http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }
}
