using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.Administration;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// Issue 14's table: each caller (nobody, a Viewer, an Operator and an Admin signed in, and keys of an Admin's service
/// account with only the read, submit or control scope) on each surface (a page, an Admin page, the circuit's
/// connection, the circuit's Admin action, REST read and submit, /ws, a preview, the OpenAPI document, the /readyz
/// detail), against the real app, with the answer each must get. A sign-in is not a key and a key is not a sign-in.
/// </summary>
public sealed class AccessMatrixTests(AccessMatrixTests.MatrixApp matrix) : IClassFixture<AccessMatrixTests.MatrixApp>
{
    private const string Password = "a long enough password";

    // What the "circuit action" and "readyz detail" rows report, in the same column as the HTTP statuses.
    private const int Allowed = 200;
    private const int Refused = 403;
    private const int StatusOnly = 204;

    public sealed class MatrixApp : IAsyncLifetime
    {
        internal AppHost App { get; } = AppHost.StartDemo(extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:GenerateJobs"] = "false",
            ["AnimeProgress:Demo:Instances"] = "1",
        });

        internal Dictionary<string, Browser> Browsers { get; } = [];

        internal Dictionary<string, string> Keys { get; } = [];

        public async ValueTask InitializeAsync()
        {
            foreach (var (name, role) in new[] { ("vera", "Viewer"), ("otto", "Operator"), ("ada", "Admin") })
            {
                await Browser.AddUserAsync(App, name, role, Password);
            }

            foreach (var (scope, name) in new[] { (ApiScope.Read, "read key"), (ApiScope.Submit, "submit key"), (ApiScope.Control, "control key") })
            {
                Keys[name] = (await KeyApps.KeyAsync(App, "pipeline", AppRoles.Admin, scope)).Text;
            }

            using var anonymous = new Browser(App);
            await Eventually.True(() => anonymous.GetAsync("/").GetAwaiter().GetResult().StatusCode == HttpStatusCode.Found, TimeSpan.FromSeconds(20), "the accounts noticed");
            Browsers["nobody"] = new Browser(App);
            foreach (var (who, name) in new[] { ("Viewer", "vera"), ("Operator", "otto"), ("Admin", "ada") })
            {
                var browser = new Browser(App);
                await browser.SignInOrFailAsync(name, Password);
                Browsers[who] = browser;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var browser in Browsers.Values)
            {
                browser.Dispose();
            }

            await App.DisposeAsync();
        }
    }

    private AppHost App => matrix.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, int> Cases()
    {
        // caller:                    nobody Viewer Operator Admin  read-key submit-key control-key
        var rows = new (string Surface, int[] Expected)[]
        {
            ("page /", [302, 200, 200, 200, 302, 302, 302]),
            ("page /admin/users", [302, 302, 302, 200, 302, 302, 302]),
            ("circuit connection", [401, 200, 200, 200, 401, 401, 401]),
            ("circuit admin action", [Refused, Refused, Refused, Allowed, Refused, Refused, Refused]),
            ("GET /api/jobs", [401, 401, 401, 401, 200, 403, 403]),
            ("POST /api/jobs", [401, 401, 401, 401, 403, 202, 403]),
            ("/ws", [401, 401, 401, 401, 101, 403, 403]),
            ("preview", [401, 404, 404, 404, 401, 401, 401]),
            ("/openapi/v1.json", [401, 200, 200, 200, 200, 200, 200]),
            ("/readyz detail", [StatusOnly, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed]),
        };
        string[] callers = ["nobody", "Viewer", "Operator", "Admin", "read key", "submit key", "control key"];
        var data = new TheoryData<string, string, int>();
        foreach (var (surface, expected) in rows)
        {
            for (var i = 0; i < callers.Length; i++)
            {
                data.Add(callers[i], surface, expected[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_gets_its_answer_on_each_surface(string caller, string surface, int expected)
    {
        var key = matrix.Keys.GetValueOrDefault(caller);
        var browser = key is null ? matrix.Browsers[caller] : null;

        var actual = surface switch
        {
            "page /" => await GetAsync(browser, key, "/"),
            "page /admin/users" => await GetAsync(browser, key, "/admin/users"),
            "circuit connection" => await NegotiateAsync(browser, key),
            "circuit admin action" => await AdminActionAsync(caller, key),
            "GET /api/jobs" => await GetAsync(browser, key, "/api/jobs"),
            "POST /api/jobs" => await SubmitAsync(browser, key),
            "/ws" => (int)await WsClient.StatusOfConnectAsync(App.BaseAddress, o => o.Cookies = browser?.Cookies, key is null ? null : "access_token=" + key),
            "preview" => await GetAsync(browser, key, "/api/jobs/987654/preview"),
            "/openapi/v1.json" => await GetAsync(browser, key, "/openapi/v1.json"),
            "/readyz detail" => await ReadinessAsync(browser, key),
            _ => throw new ArgumentOutOfRangeException(nameof(surface)),
        };

        Assert.True(expected == actual, $"{caller} on {surface}: expected {expected}, got {actual}");
    }

    private async Task<int> SendAsync(Browser? browser, string? key, HttpRequestMessage request)
    {
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var http = browser is null ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.BaseAddress } : null;
        using var response = await (browser?.Http ?? http!).SendAsync(request, Ct);
        return (int)response.StatusCode;
    }

    private async Task<int> GetAsync(Browser? browser, string? key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(browser, key, request);
    }

    private async Task<int> NegotiateAsync(Browser? browser, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        return await SendAsync(browser, key, request);
    }

    private async Task<int> SubmitAsync(Browser? browser, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = new StringContent(
                $$"""{"title":"matrix","kind":"image","workflow":{{DemoWorkflows.Image("x", 3, 1).Workflow.ToJsonString()}}}""", Encoding.UTF8, "application/json"),
        };
        return await SendAsync(browser, key, request);
    }

    private async Task<int> ReadinessAsync(Browser? browser, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/readyz");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var http = browser is null ? new HttpClient { BaseAddress = App.BaseAddress } : null;
        using var response = await (browser?.Http ?? http!).SendAsync(request, Ct);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
        return body["checks"] is null ? StatusOnly : Allowed;
    }

    /// <summary>
    /// The users page's action as its circuit calls it: with the principal the circuit holds (the cookie's for a
    /// signed-in account; a key's, were a key ever to reach a circuit; nobody's). Only an Admin's passes the server's check.
    /// </summary>
    private async Task<int> AdminActionAsync(string caller, string? key)
    {
        ClaimsPrincipal principal;
        if (key is not null)
        {
            var owner = await KeyApps.AccountAsync(App, "pipeline", AppRoles.Admin);
            principal = new ApiKeyIdentity(1, "ap_matrix", caller, owner, "pipeline", [AppRoles.Admin], ApiScope.Control).ToPrincipal();
        }
        else if (caller == "nobody")
        {
            principal = new ClaimsPrincipal(new ClaimsIdentity());
        }
        else
        {
            await using var scope = App.Services.CreateAsyncScope();
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>();
            var name = caller switch { "Viewer" => "vera", "Operator" => "otto", _ => "ada" };
            principal = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByNameAsync(name))!);
        }

        var administration = App.Services.GetRequiredService<UserAdministration>();
        try
        {
            await administration.ListAsync(principal, Ct);
            return Allowed;
        }
        catch (UnauthorizedAccessException)
        {
            return Refused;
        }
    }
}
