using System.Net.Http.Headers;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Keys;

/// <summary>Accounts and keys made straight in a running app's database, and requests that carry a key.</summary>
internal static class KeyApps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The account's id, made as a service account with <paramref name="role"/> (none: no role at all) when it does not exist yet.</summary>
    public static async Task<string> AccountAsync(AppHost app, string name, string? role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByNameAsync(name) is { } existing)
        {
            return existing.Id;
        }

        if (role is null)
        {
            Assert.True((await users.CreateAsync(new IdentityUser(name))).Succeeded);
        }
        else
        {
            Assert.True((await ServiceAccounts.CreateAsync(users, scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>(), name, role)).Succeeded);
        }

        return (await users.FindByNameAsync(name))!.Id;
    }

    public static async Task<(KeyListing Key, string Text)> KeyAsync(AppHost app, string owner, string? role, ApiScope scopes, DateTimeOffset? expiresAt = null)
    {
        var ownerId = await AccountAsync(app, owner, role);
        return await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(ownerId, "test key", scopes, expiresAt, "test", Ct);
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    public static async Task<HttpResponseMessage> SendAsync(AppHost app, HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        using var http = app.CreateClient();
        using var request = Request(method, path, key, content);
        return await http.SendAsync(request, Ct);
    }
}
