using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.IntegrationTests.Web.Relay;
using AnimeProgress.Web.Keys;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// The relay port's origin separation in chromium (issue 17 item 4): a browser signed in to the dashboard opens a
/// ComfyUI page through the relay port, as a person opens ComfyUI's frontend there, and from inside that page (where
/// the frontend's and every custom node's scripts run) neither the dashboard's answers, nor a frame of it, nor its
/// sign-in cookie can be read. The stand-in page is <see cref="FrontendInstance"/>; the real frontend cannot be installed here.
/// </summary>
public sealed class RelayPortBrowserTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private RelayPortApp _relay = null!;
    private string _key = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        _relay = await RelayPortApp.StartAsync(TestContext.Current.CancellationToken);
        await Browser.AddUserAsync(_relay.App, "alice", "Admin", Password);
        _key = (await KeyApps.KeyAsync(_relay.App, "frontend", "Viewer", ApiScope.Read)).Text;
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _relay.DisposeAsync();
    }

    [Fact]
    public async Task A_page_loaded_through_the_relay_port_cannot_read_the_dashboard_frame_it_or_see_its_sign_in()
    {
        var context = await Chromium.NewContextAsync(_browser!);
        var dashboard = await context.NewPageAsync();
        var root = _relay.App.BaseAddress;
        await Chromium.SignInAsync(dashboard, root, "alice", Password);
        var api = new Uri(root, "/api/jobs").ToString();
        var signedInPage = new Uri(root, "/fleet").ToString();
        const string Read = "async url => { try { const r = await fetch(url, { credentials: 'include' }); const text = await r.text(); return 'read ' + r.status + (r.redirected ? ' redirected ' : ' direct ') + text.includes('app-root'); } catch (e) { return 'blocked ' + e.name; } }";
        // The same request from the dashboard's own page reads a signed-in page: what the relay page is denied below is real.
        Assert.Equal("read 200 direct true", await dashboard.EvaluateAsync<string>(Read, signedInPage));

        var page = await context.NewPageAsync();
        var frontend = new Uri(_relay.RelayPort, $"/comfyui/k/{_key}/gpu-1/");
        var loaded = await page.GotoAsync(frontend.ToString());
        Assert.Equal(200, loaded!.Status);
        Assert.Contains(FrontendInstance.PageText, await page.ContentAsync(), StringComparison.Ordinal);

        // Its own origin, apart from the dashboard's (the port differs), and its relative addresses stay under the
        // instance's prefix with the key: a frontend's own requests work there; the dashboard's paths do not exist there.
        var origin = await page.EvaluateAsync<string>("() => location.origin");
        Assert.NotEqual(await dashboard.EvaluateAsync<string>("() => location.origin"), origin);
        Assert.Equal(200, await page.EvaluateAsync<int>("async () => (await fetch('assets/app.js')).status"));
        Assert.Equal(404, await page.EvaluateAsync<int>("async () => (await fetch('/api/jobs', { credentials: 'include' })).status"));

        // The dashboard's API, asked with the browser's sign-in from this page: the browser sends the cookie (same
        // host), but the answer is not the page's to read (no CORS grant).
        Assert.StartsWith("blocked", await page.EvaluateAsync<string>(Read, signedInPage), StringComparison.Ordinal);
        Assert.StartsWith("blocked", await page.EvaluateAsync<string>(Read, api), StringComparison.Ordinal);

        // A frame of the dashboard: refused by the dashboard (frame-ancestors 'none'), and unreadable anyway.
        var framed = await page.EvaluateAsync<string>("""
            async url => {
                const frame = document.createElement('iframe');
                const loaded = new Promise(resolve => { frame.onload = resolve; setTimeout(resolve, 5000); });
                frame.src = url;
                document.body.appendChild(frame);
                await loaded;
                try { return frame.contentDocument === null ? 'no access' : 'read ' + frame.contentDocument.documentElement.outerHTML.length; }
                catch (e) { return 'no access ' + e.name; }
            }
            """, new Uri(root, "/fleet").ToString());
        Assert.StartsWith("no access", framed, StringComparison.Ordinal);
        foreach (var frame in page.Frames.Where(f => f != page.MainFrame))
        {
            Assert.DoesNotContain("app-root", await frame.ContentAsync(), StringComparison.Ordinal);
        }

        // ComfyUI's frontend opens its socket relative to its own address; through the relay port with the key in the
        // address, that is the relay's socket for the instance, which greets it as ComfyUI does.
        var comfy = await context.NewPageAsync();
        Assert.Equal(200, (await comfy.GotoAsync(new Uri(_relay.RelayPort, $"/comfyui/k/{_key}/gpu-2/").ToString()))!.Status);
        var greeting = await comfy.EvaluateAsync<string>("""
            () => new Promise((resolve, reject) => {
                const socket = new WebSocket(new URL('ws?clientId=browser-frontend', location.href).href.replace(/^http/, 'ws'));
                socket.onmessage = event => { resolve(event.data); socket.close(); };
                socket.onerror = () => reject(new Error('the socket failed'));
            })
            """);
        var status = System.Text.Json.Nodes.JsonNode.Parse(greeting)!;
        Assert.Equal("status", status["type"]!.GetValue<string>());
        Assert.Equal("browser-frontend", status["data"]!["sid"]!.GetValue<string>());

        // No cookie in the page: the sign-in is not there, and the instance's own Set-Cookie never arrived.
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        var cookies = await context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "AnimeProgress.Session");
        Assert.DoesNotContain(cookies, c => c.Name == FrontendInstance.CookieName);
    }
}
