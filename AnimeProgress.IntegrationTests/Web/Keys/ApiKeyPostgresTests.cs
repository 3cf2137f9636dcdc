using System.Net;
using System.Text;
using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Keys;

/// <summary>API keys on a real PostgreSQL, in a configured schema: made, used within their scope, revoked, last use recorded.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiKeyPostgresTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_work_within_their_scope_and_a_revoked_one_is_refused_on_postgres()
    {
        var database = await postgres.CreateDatabaseAsync("ap_keys", Ct);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["AnimeProgress:Database:Schema"] = "studio_keys",
            ["ConnectionStrings:AnimeProduction"] = database,
            ["AnimeProgress:Demo:Enabled"] = "false",
        });

        var (listing, key) = await KeyApps.KeyAsync(app, "prometheus", AppRoles.Viewer, ApiScope.Read);
        using (var list = await KeyApps.SendAsync(app, HttpMethod.Get, "/api/jobs", key))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using (var submit = await KeyApps.SendAsync(app, HttpMethod.Post, "/api/jobs", key, new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        }

        await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ApiKeyUsageWriter>().Single().WriteAsync(Ct);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database, $"SELECT count(*) FROM studio_keys.api_keys WHERE id = {listing.Id} AND last_used_at IS NOT NULL AND revoked_at IS NULL"));

        Assert.True(await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(listing.Id, Ct));
        using var revoked = await KeyApps.SendAsync(app, HttpMethod.Get, "/api/jobs", key);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database, $"SELECT count(*) FROM studio_keys.api_keys WHERE id = {listing.Id} AND revoked_at IS NOT NULL"));
    }
}
