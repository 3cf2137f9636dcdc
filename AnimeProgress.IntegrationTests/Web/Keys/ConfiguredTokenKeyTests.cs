using System.Net;
using System.Security.Cryptography;
using System.Text;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Keys;

/// <summary>
/// A configured AnimeProgress:Api:Tokens entry becomes a key of the service account configured-tokens at start, with a
/// log line saying so; scripts keep sending it; the entry can then be removed; revoking the key ends it for good.
/// </summary>
public sealed class ConfiguredTokenKeyTests : IDisposable
{
    private const string Token = "configured-token-0123456789abcdef";

    private readonly string _data = Directory.CreateTempSubdirectory("animeprogress-tokens-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CapturedLog _log = new();

    private AppHost Start(bool withToken)
    {
        var settings = new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false", ["AnimeProgress:Database:DataDirectory"] = _data };
        if (withToken)
        {
            settings["AnimeProgress:Api:Tokens:0"] = Token;
        }

        return AppHost.Start(settings, services => services.AddSingleton<Serilog.Core.ILogEventSink>(_log));
    }

    private string Log() => _log.Text;

    [Fact]
    public async Task The_token_becomes_a_hashed_key_of_a_service_account_with_a_log_line_and_keeps_working_without_its_configuration_entry()
    {
        long keyId;
        await using (var app = Start(withToken: true))
        {
            using (var response = await KeyApps.SendAsync(app, HttpMethod.Get, "/api/jobs", Token))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var keys = await app.Services.GetRequiredService<ApiKeyStore>().ListAsync(null, Ct);
            var key = Assert.Single(keys);
            keyId = key.Id;
            Assert.Equal(ConfiguredTokens.AccountName, key.OwnerName);
            Assert.Equal("AnimeProgress:Api:Tokens:0", key.Name);
            Assert.Equal(ApiScope.Read | ApiScope.Submit, key.Scopes);

            await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct))
            {
                var row = await db.ApiKeys.SingleAsync(Ct);
                Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(Token)), row.SecretHash);
                Assert.DoesNotContain(Token, row.Prefix + row.Name + row.Scopes, StringComparison.Ordinal);
            }

            await using (var scope = app.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
                var account = (await users.FindByNameAsync(ConfiguredTokens.AccountName))!;
                Assert.True(await ServiceAccounts.IsServiceAccountAsync(users, account));
                Assert.Null(account.PasswordHash);
                Assert.Equal(["Viewer"], await users.GetRolesAsync(account));
            }

            var log = Log();
            Assert.Contains($"Warning The configured API token \"AnimeProgress:Api:Tokens:0\" is now API key {keyId}", log, StringComparison.Ordinal);
            Assert.Contains("The configuration entry can be removed", log, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, log, StringComparison.Ordinal);
        }

        // The entry removed: the key lives in the database, and the script's token still works.
        await using (var app = Start(withToken: false))
        {
            using (var response = await KeyApps.SendAsync(app, HttpMethod.Get, "/api/jobs", Token))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.True(await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(keyId, Ct));
            using var revoked = await KeyApps.SendAsync(app, HttpMethod.Get, "/api/jobs", Token);
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        // Configured again after the revocation: the import leaves the revoked key as it is, so the token stays refused.
        await using (var app = Start(withToken: true))
        {
            using var response = await KeyApps.SendAsync(app, HttpMethod.Get, "/api/jobs", Token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Single(await app.Services.GetRequiredService<ApiKeyStore>().ListAsync(null, Ct));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
