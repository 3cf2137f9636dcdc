using System.Net;
using System.Text;
using System.Text.Json;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Api.Access;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.IntegrationTests.Web.Keys;

/// <summary>
/// API keys against the real app on SQLite with an emulated ComfyUI: scopes over the owner's role on REST and /ws,
/// expired, revoked and locked-out keys refused with one message, the query-string form on /ws only, the cache's
/// 30 s bound (by the clock, not by sleeping), last-used times, and the keys page's server-side checks.
/// </summary>
public sealed class ApiKeyTests(ApiKeyTests.KeysApp keys) : IClassFixture<ApiKeyTests.KeysApp>
{
    public sealed class KeysApp : IAsyncDisposable
    {
        internal AppHost App { get; } = AppHost.StartDemo(extra: new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AnimeProgress:Demo:GenerateJobs"] = "false",
            ["AnimeProgress:Demo:Instances"] = "1",
        });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => keys.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Job(string title) => new(
        $$"""{"title":"{{title}}","kind":"image","workflow":{{DemoWorkflows.Image("x", 3, 1).Workflow.ToJsonString()}}}""", Encoding.UTF8, "application/json");

    private async Task<long> JobCountAsync(string title)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        return await db.ProductionJobs.LongCountAsync(j => j.Title == title, Ct);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return problem.RootElement.GetProperty("detail").GetString() ?? "";
    }

    [Fact]
    public async Task A_read_key_lists_jobs_but_submitting_with_it_is_403_and_makes_no_job()
    {
        var (_, key) = await KeyApps.KeyAsync(App, "reader", AppRoles.Operator, ApiScope.Read);

        using (var list = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", key))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using var submit = await KeyApps.SendAsync(App, HttpMethod.Post, "/api/jobs", key, Job("read key tries"));
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Contains("'submit' scope", await DetailAsync(submit), StringComparison.Ordinal);
        Assert.Equal(0, await JobCountAsync("read key tries"));
    }

    [Fact]
    public async Task A_submit_key_submits_a_job()
    {
        var (_, key) = await KeyApps.KeyAsync(App, "pipeline", AppRoles.Viewer, ApiScope.Read | ApiScope.Submit);

        using var submit = await KeyApps.SendAsync(App, HttpMethod.Post, "/api/jobs", key, Job("submitted with a key"));

        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        using var job = await KeyApps.SendAsync(App, HttpMethod.Get, submit.Headers.Location!.OriginalString, key);
        Assert.Equal(HttpStatusCode.OK, job.StatusCode);
        Assert.Contains("submitted with a key", await job.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_an_account_exists_the_api_needs_a_key_and_a_key_never_does_more_than_its_accounts_role()
    {
        await KeyApps.AccountAsync(App, "someone", AppRoles.Viewer);
        using (var none = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.StatusOfConnectAsync(App.BaseAddress));

        // An account without a role: its key has every scope and still may not read.
        var (_, roleless) = await KeyApps.KeyAsync(App, "no-role", role: null, ApiScope.Read | ApiScope.Submit | ApiScope.Control);
        using var refused = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", roleless);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Expired_unknown_and_malformed_keys_get_the_same_401_that_does_not_say_whether_the_key_exists()
    {
        var time = App.Services.GetRequiredService<TimeProvider>();
        var (_, expired) = await KeyApps.KeyAsync(App, "expired-owner", AppRoles.Admin, ApiScope.Read, expiresAt: time.GetUtcNow().AddSeconds(-1));
        var (_, other) = await KeyApps.KeyAsync(App, "expired-owner", AppRoles.Admin, ApiScope.Read);
        var unknown = other[..^4] + (other.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var details = new List<string>();
        foreach (var key in new[] { expired, unknown, "ap_000000000000_" + new string('x', 43), "not-a-key-at-all-0123456789" })
        {
            using var response = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", key);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            details.Add(await DetailAsync(response));
        }

        Assert.Single(details.Distinct());
        Assert.Equal(ApiKeyAuthenticationHandler.RefusedMessage, details[0]);
        using var fine = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", other);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task A_key_revoked_on_this_node_is_refused_at_once_on_rest_and_ws()
    {
        var (listing, key) = await KeyApps.KeyAsync(App, "revoker", AppRoles.Viewer, ApiScope.Read);
        using (var before = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Assert.True(await App.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(listing.Id, Ct));

        using var after = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", key);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.StatusOfConnectAsync(App.BaseAddress, o => o.SetRequestHeader("Authorization", "Bearer " + key)));
    }

    [Fact]
    public async Task A_key_revoked_elsewhere_expired_or_whose_owner_is_locked_is_refused_within_the_cache_time_by_the_clock()
    {
        var (listing, key) = await KeyApps.KeyAsync(App, "cached-owner", AppRoles.Viewer, ApiScope.Read, expiresAt: DateTimeOffset.UtcNow.AddHours(1));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var contexts = App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        var verifier = new ApiKeyVerifier(
            contexts, clock, Options.Create(new ApiKeyOptions()), App.Services.GetRequiredService<AccessTokens>(), new ApiKeyUsage(), NullLogger<ApiKeyVerifier>.Instance);
        Assert.NotNull(await verifier.VerifyAsync(key, null, Ct));

        // Revoked by another node (or the CLI): this node's cache does not know yet.
        await using (var db = await contexts.CreateDbContextAsync(Ct))
        {
            await db.ApiKeys.Where(k => k.Id == listing.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow), Ct);
        }

        clock.Advance(ApiKeyOptions.MaxCacheDuration - TimeSpan.FromSeconds(1));
        Assert.NotNull(await verifier.VerifyAsync(key, null, Ct));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await verifier.VerifyAsync(key, null, Ct));

        // Expiry is read against the clock on every request, cached or not.
        var (_, expiring) = await KeyApps.KeyAsync(App, "cached-owner", AppRoles.Viewer, ApiScope.Read, expiresAt: clock.GetUtcNow().AddMinutes(10));
        Assert.NotNull(await verifier.VerifyAsync(expiring, null, Ct));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await verifier.VerifyAsync(expiring, null, Ct));

        // An owner locked out (or disabled) since the key was checked: refused once the cache time is over.
        var (_, locked) = await KeyApps.KeyAsync(App, "person", role: null, ApiScope.Read);
        Assert.NotNull(await verifier.VerifyAsync(locked, null, Ct));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var person = (await users.FindByNameAsync("person"))!;
            Assert.True((await users.SetLockoutEndDateAsync(person, clock.GetUtcNow().AddDays(1))).Succeeded);
        }

        clock.Advance(ApiKeyOptions.MaxCacheDuration);
        Assert.Null(await verifier.VerifyAsync(locked, null, Ct));
    }

    [Fact]
    public async Task On_ws_the_key_may_come_in_the_query_string_but_on_rest_it_may_not()
    {
        var (_, key) = await KeyApps.KeyAsync(App, "browser-page", AppRoles.Viewer, ApiScope.Read);

        await using (var socket = await WsClient.ConnectAsync(App.BaseAddress, query: "access_token=" + key))
        {
            await socket.ReceiveTypeAsync("initial_jobs");
        }

        using var rest = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs?access_token=" + key, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        Assert.Contains("only on /ws", await DetailAsync(rest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_used_key_gets_its_last_used_time_from_the_background_writer_not_from_the_request()
    {
        var (listing, key) = await KeyApps.KeyAsync(App, "used-owner", AppRoles.Viewer, ApiScope.Read);
        using (var response = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", key))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var store = App.Services.GetRequiredService<ApiKeyStore>();
        Assert.Null((await store.FindAsync(listing.Id, Ct))!.LastUsedAt);

        await App.Services.GetServices<IHostedService>().OfType<ApiKeyUsageWriter>().Single().WriteAsync(Ct);

        var used = (await store.FindAsync(listing.Id, Ct))!.LastUsedAt;
        Assert.NotNull(used);
        Assert.True(DateTimeOffset.UtcNow - used < TimeSpan.FromMinutes(2), $"last used {used}");
    }

    [Fact]
    public async Task The_keys_pages_service_lets_a_viewer_manage_only_its_own_keys_and_an_admin_everyones()
    {
        var viewerId = await KeyApps.AccountAsync(App, "vera", AppRoles.Viewer);
        var otherId = await KeyApps.AccountAsync(App, "otto", AppRoles.Operator);
        var (othersKey, _) = await KeyApps.KeyAsync(App, "otto", AppRoles.Operator, ApiScope.Read);
        await using var scope = App.Services.CreateAsyncScope();
        var management = scope.ServiceProvider.GetRequiredService<KeyManagement>();
        var vera = SignedIn(viewerId, "vera", AppRoles.Viewer);

        // Called directly, as a forged circuit message would: refused on the server, nothing written.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => management.CreateAsync(vera, otherId, "sneaky", ApiScope.Control, null, Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => management.RevokeAsync(vera, othersKey.Id, Ct));
        var store = App.Services.GetRequiredService<ApiKeyStore>();
        Assert.DoesNotContain(await store.ListAsync(otherId, Ct), k => k.Name == "sneaky");
        Assert.Null((await store.FindAsync(othersKey.Id, Ct))!.RevokedAt);

        var (own, text) = await management.CreateAsync(vera, viewerId, "mine", ApiScope.Read, null, Ct);
        Assert.StartsWith("ap_" + own.Prefix + "_", text, StringComparison.Ordinal);
        Assert.All(await management.ListAsync(vera, Ct), k => Assert.Equal(viewerId, k.OwnerId));
        await management.RevokeAsync(vera, own.Id, Ct);
        Assert.NotNull((await store.FindAsync(own.Id, Ct))!.RevokedAt);

        var admin = SignedIn(await KeyApps.AccountAsync(App, "ada", AppRoles.Admin), "ada", AppRoles.Admin);
        var (forOtto, _) = await management.CreateAsync(admin, otherId, "made by an admin", ApiScope.Read, null, Ct);
        Assert.Equal("otto", forOtto.OwnerName);
        Assert.Contains(await management.ListAsync(admin, Ct), k => k.OwnerId == viewerId);
    }

    private static System.Security.Claims.ClaimsPrincipal SignedIn(string id, string name, string role) => new(new System.Security.Claims.ClaimsIdentity(
        [new(System.Security.Claims.ClaimTypes.NameIdentifier, id), new(System.Security.Claims.ClaimTypes.Name, name), new(System.Security.Claims.ClaimTypes.Role, role)],
        IdentityConstants.ApplicationScheme, System.Security.Claims.ClaimTypes.Name, System.Security.Claims.ClaimTypes.Role));
}
