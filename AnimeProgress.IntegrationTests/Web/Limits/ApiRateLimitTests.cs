using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.Web.Api;

namespace AnimeProgress.IntegrationTests.Web.Limits;

/// <summary>ASP.NET Core rate limiting of /api, one allowance per client (address, or access token where one is valid).</summary>
public sealed class ApiRateLimitTests
{
    private const string TokenA = "token-of-the-render-farm-0001";
    private const string TokenB = "token-of-the-review-script-02";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_address_has_its_own_allowance_and_the_refusal_says_when_and_what_to_change()
    {
        await using var app = ApiApps.Start(Limited());
        using var first = ClientAddresses.Http(app.BaseAddress, ClientAddresses.First);
        using var second = ClientAddresses.Http(app.BaseAddress, ClientAddresses.Second);

        Assert.Equal([200, 200, 200, 429], await StatusesAsync(first, 4));
        Assert.Equal([200, 200, 200, 429], await StatusesAsync(second, 4));

        using var refused = await first.GetAsync("/api/instances", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var seconds = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(seconds, 1, 3600);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(
            $"This client made more than 3 API requests in 01:00:00; retry in {seconds} seconds, or raise AnimeProgress:Limits:Requests:ApiPermitsPerWindow (per AnimeProgress:Limits:Requests:ApiWindow).",
            problem!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Clients_with_valid_tokens_are_counted_by_token_and_a_forged_token_by_address()
    {
        var settings = Limited();
        settings["AnimeProgress:Api:Tokens:0"] = TokenA;
        settings["AnimeProgress:Api:Tokens:1"] = TokenB;
        await using var app = ApiApps.Start(settings);
        using var http = ClientAddresses.Http(app.BaseAddress, ClientAddresses.First);

        Assert.Equal([200, 200, 200, 429], await StatusesAsync(http, 4, TokenA));
        Assert.Equal([200, 200, 200, 429], await StatusesAsync(http, 4, TokenB));
        // Made-up tokens all count against the address they come from.
        Assert.Equal([401, 401, 401, 429], await StatusesAsync(http, 4, "made-up-0000000000000001"));
        Assert.Equal([429], await StatusesAsync(http, 1, "made-up-0000000000000002"));
    }

    [Fact]
    public async Task Loopback_is_exempt_by_default()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Limits:Requests:ApiPermitsPerWindow"] = "3" });
        using var http = ClientAddresses.Http(app.BaseAddress, ClientAddresses.First);

        Assert.All(await StatusesAsync(http, 6), status => Assert.Equal(200, status));
    }

    private static Dictionary<string, string?> Limited() => new()
    {
        ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false",
        ["AnimeProgress:Limits:Requests:ApiPermitsPerWindow"] = "3",
        ["AnimeProgress:Limits:Requests:ApiWindow"] = "01:00:00",
    };

    private static async Task<List<int>> StatusesAsync(HttpClient http, int count, string? token = null)
    {
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/instances");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await http.SendAsync(request, Ct);
            statuses.Add((int)response.StatusCode);
        }

        return statuses;
    }
}
