using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AnimeProgress.ComfyUiEmulator.Imaging;
using AnimeProgress.Core.Previews;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 2: a preview has the access rule of the page that shows it (<see cref="PageAccess"/>), not the API's
/// token rule: a plain img carries no token. Once an account or a token exists, pages ask for a sign-in and so do previews;
/// whatever the page rule is (a stand-in sign-in scheme below), a preview without it is refused exactly like the page.
/// </summary>
public sealed class PreviewAccessTests
{
    private const long JobId = 4242;
    private const string ApiToken = "preview-access-token-000000001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_api_tokens_set_a_preview_needs_a_sign_in_as_its_page_does_and_the_api_token_does_not_open_it()
    {
        // A configured token ends the first start (issue 14): pages ask for a sign-in even on loopback, and so do previews.
        await using var app = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Api:Tokens:0"] = ApiToken,
        });
        PutPreview(app);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using (var api = await http.GetAsync("/api/jobs", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }

        using (var page = await http.GetAsync($"/jobs/{JobId}", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        }

        using (var preview = await http.GetAsync($"/api/jobs/{JobId}/preview", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, preview.StatusCode);
            Assert.NotEqual("image/png", preview.Content.Headers.ContentType?.MediaType);
        }

        // The API token opens the API, not what the pages show.
        using var withToken = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{JobId}/preview");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using (var preview = await http.SendAsync(withToken, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, preview.StatusCode);
        }
    }

    [Fact]
    public async Task When_the_page_rule_asks_for_a_signed_in_user_a_preview_without_one_is_refused_like_the_page()
    {
        await using var app = AppHost.Start(
            new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["AnimeProgress:Demo:Enabled"] = "false",
                ["AnimeProgress:Api:Tokens:0"] = ApiToken,
            },
            services =>
            {
                services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, StudioUserHandler>(StudioUserHandler.Name, _ => { });
                services.AddAuthorization(o => o.AddPolicy(PageAccess.Policy, p => p.AddAuthenticationSchemes(StudioUserHandler.Name).RequireAuthenticatedUser()));
            });
        var png = PutPreview(app);
        using var http = app.CreateClient();

        using (var page = await http.GetAsync($"/jobs/{JobId}", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        }

        using (var preview = await http.GetAsync($"/api/jobs/{JobId}/preview", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, preview.StatusCode);
            Assert.NotEqual("image/png", preview.Content.Headers.ContentType?.MediaType);
        }

        // An API token is not a page credential.
        using (var withToken = new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{JobId}/preview"))
        {
            withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
            using var preview = await http.SendAsync(withToken, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, preview.StatusCode);
        }

        http.DefaultRequestHeaders.Add(StudioUserHandler.Header, "rin");
        using (var page = await http.GetAsync($"/jobs/{JobId}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var preview = await http.GetAsync($"/api/jobs/{JobId}/preview", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal(png, await preview.Content.ReadAsByteArrayAsync(Ct));
        }
    }

    /// <summary>A preview as the tracker keeps it for a running job (how it arrives is PreviewTypeTests' subject).</summary>
    private static byte[] PutPreview(AppHost app)
    {
        var png = PreviewPainter.Png(5, 10);
        Assert.True(app.Services.GetRequiredService<PreviewStore>().Put(JobId, "image/png", png, DateTimeOffset.UtcNow));
        return png;
    }

    /// <summary>Stands in for the studio's sign-in: a request naming a user in a header is signed in as that user.</summary>
    private sealed class StudioUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "StudioUser";
        public const string Header = "X-Studio-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers[Header].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}
