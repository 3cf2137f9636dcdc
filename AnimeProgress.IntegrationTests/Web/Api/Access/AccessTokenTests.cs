using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Api.Access;

/// <summary>
/// With AnimeProgress:Api:Tokens set, /ws and /api need one of them. The dashboard needs a signed-in account: a
/// configured token ends the first start, so even this machine is asked to sign in (Web/Accounts).
/// </summary>
public sealed class AccessTokenTests(AccessTokenTests.TokenApp tokens) : IClassFixture<AccessTokenTests.TokenApp>
{
    private const string Token = "test-token-0123456789abcdef";
    private const string OtherToken = "second-token-fedcba9876543210";

    public sealed class TokenApp : IAsyncDisposable
    {
        internal AppHost App { get; } = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Api:Tokens:0"] = Token,
            ["AnimeProgress:Api:Tokens:1"] = OtherToken,
        });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => tokens.App;

    [Fact]
    public async Task A_websocket_without_a_token_is_refused_with_401_before_the_upgrade()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.StatusOfConnectAsync(App.BaseAddress));
    }

    [Fact]
    public async Task A_websocket_with_a_wrong_token_is_refused_with_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.StatusOfConnectAsync(App.BaseAddress, o => o.SetRequestHeader("Authorization", "Bearer not-the-token-at-all-000")));
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.StatusOfConnectAsync(App.BaseAddress, query: "access_token=" + Token[..^1]));
    }

    [Fact]
    public async Task A_websocket_with_a_bearer_header_or_an_access_token_parameter_connects()
    {
        await using (var byHeader = await WsClient.ConnectAsync(App.BaseAddress, o => o.SetRequestHeader("Authorization", "Bearer " + Token)))
        {
            await byHeader.ReceiveTypeAsync("initial_jobs");
        }

        await using var byQuery = await WsClient.ConnectAsync(App.BaseAddress, query: "access_token=" + OtherToken);
        await byQuery.ReceiveTypeAsync("initial_jobs");
    }

    [Fact]
    public async Task Rest_without_a_token_gets_a_401_problem_and_with_one_gets_the_data()
    {
        using var http = App.CreateClient();

        using var refused = await http.GetAsync("/api/jobs", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var allowed = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        // A valid token in the URL is refused on REST (only /ws takes it there): URLs land in proxy logs.
        using var byQuery = await http.GetAsync("/api/instances?access_token=" + OtherToken, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, byQuery.StatusCode);
        Assert.Contains("only on /ws", await byQuery.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Submitting_needs_a_token_and_the_dashboards_preview_images_a_signed_in_viewer()
    {
        using var http = App.CreateClient();

        using var submit = await http.PostAsync("/api/jobs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);

        // Previews follow the pages' rule, not the API's: a token is not a sign-in, and an img gets the bare 401.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs/1/preview");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var preview = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, preview.StatusCode);
    }

    [Fact]
    public async Task Once_a_token_exists_the_dashboard_asks_this_machine_to_sign_in_and_the_openapi_document_needs_the_token()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.BaseAddress };

        using var page = await http.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);
    }
}
