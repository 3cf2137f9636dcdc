using System.Net;
using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>A sign-in made on one node, and what other nodes make of its cookie (Data Protection keys in the database).</summary>
internal static class SharedSignIn
{
    public const string Password = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A Viewer account made through the app's own Identity store (SQLite or PostgreSQL alike).</summary>
    public static async Task AddNoraAsync(AppHost app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(AppRoles.Viewer))
        {
            Assert.True((await roles.CreateAsync(new IdentityRole(AppRoles.Viewer))).Succeeded);
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var nora = new IdentityUser("nora");
        Assert.True((await users.CreateAsync(nora, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(nora, AppRoles.Viewer)).Succeeded);
    }

    public static async Task<Cookie> SignInAsync(AppHost app)
    {
        using var browser = new Browser(app);
        await browser.SignInOrFailAsync("nora", Password);
        return browser.Cookies.GetCookies(app.BaseAddress)[AccountsRegistration.CookieName]!;
    }

    /// <summary>The dashboard's answer to the cookie alone: 200 when it is a sign-in there, a redirect to /login when not.</summary>
    public static async Task<HttpResponseMessage> DashboardAsync(AppHost app, Cookie cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        return await http.SendAsync(request, Ct);
    }

    public static async Task AssertAcceptedAsync(AppHost app, Cookie cookie)
    {
        using var response = await DashboardAsync(app, cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task AssertRefusedAsync(AppHost app, Cookie cookie)
    {
        using var response = await DashboardAsync(app, cookie);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }
}

/// <summary>
/// The sign-in cookie is encrypted with Data Protection keys kept in the database: a second node (or the same one
/// restarted) on the same database accepts it; a deployment on another database, with an account of the same name,
/// does not ("a cookie from one deployment used on another").
/// </summary>
public sealed class SharedSignInTests : IDisposable
{
    private readonly string _shared = Directory.CreateTempSubdirectory("animeprogress-shared-").FullName;

    private AppHost Node(string? data = null) => AppHost.Start(new Dictionary<string, string?>
    {
        ["AnimeProgress:Demo:Enabled"] = "false",
        ["AnimeProgress:Database:DataDirectory"] = data ?? _shared,
    });

    [Fact]
    public async Task A_cookie_from_one_node_is_accepted_by_another_on_the_same_sqlite_file_and_refused_by_another_deployment()
    {
        await using var first = Node();
        await using var second = Node();
        await using var elsewhere = AppHost.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });
        await SharedSignIn.AddNoraAsync(first);
        await SharedSignIn.AddNoraAsync(elsewhere);

        var cookie = await SharedSignIn.SignInAsync(first);

        await SharedSignIn.AssertAcceptedAsync(first, cookie);
        await SharedSignIn.AssertAcceptedAsync(second, cookie);
        await SharedSignIn.AssertRefusedAsync(elsewhere, cookie);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_shared, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The same on PostgreSQL: the key ring is one row in the schema, read by every node.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedSignInPostgresTests(PostgresFixture postgres)
{
    private static AppHost Node(string database) => AppHost.Start(new Dictionary<string, string?>
    {
        ["AnimeProgress:Database:Provider"] = "Postgres",
        ["ConnectionStrings:AnimeProduction"] = database,
        ["AnimeProgress:Demo:Enabled"] = "false",
    });

    [Fact]
    public async Task A_cookie_from_one_node_is_accepted_by_another_on_the_same_postgres_database_and_refused_by_another_database()
    {
        var ct = TestContext.Current.CancellationToken;
        var shared = await postgres.CreateDatabaseAsync("ap_dp_shared", ct);
        var other = await postgres.CreateDatabaseAsync("ap_dp_other", ct);
        await using var first = Node(shared);
        await using var second = Node(shared);
        await using var elsewhere = Node(other);
        await SharedSignIn.AddNoraAsync(first);
        await SharedSignIn.AddNoraAsync(elsewhere);

        var cookie = await SharedSignIn.SignInAsync(first);

        await SharedSignIn.AssertAcceptedAsync(second, cookie);
        await SharedSignIn.AssertRefusedAsync(elsewhere, cookie);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(shared, "SELECT count(*) FROM anime_api.\"DataProtectionKeys\""));
    }
}
