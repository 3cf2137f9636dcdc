using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 10: the docs recommend user secrets for tokens and connection strings, so the app has a
/// UserSecretsId and really reads its secrets in Development (never in Production); and <c>dotnet run</c> does not
/// force Development on whoever starts it (the default launch profile sets no environment).
/// </summary>
public sealed class ProjectSettingsTests
{
    private const string SecretToken = "token-from-user-secrets-00000001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_app_reads_its_user_secrets_in_development_and_not_in_production()
    {
        var project = XDocument.Load(Path.Combine(RepoPaths.Root, "AnimeProgress.Web", "AnimeProgress.Web.csproj"));
        var id = project.Descendants("UserSecretsId").Select(e => e.Value.Trim()).SingleOrDefault();
        Assert.False(string.IsNullOrEmpty(id), "AnimeProgress.Web.csproj has no UserSecretsId");
        Assert.Equal(id, typeof(AnimeProgress.Web.Components.App).Assembly.GetCustomAttribute<UserSecretsIdAttribute>()?.UserSecretsId);

        // Where `dotnet user-secrets set` writes them: with APPDATA set, %APPDATA%/Microsoft/UserSecrets/<id>/secrets.json.
        var appData = Directory.CreateTempSubdirectory("animeprogress-secrets-");
        try
        {
            var secrets = Directory.CreateDirectory(Path.Combine(appData.FullName, "Microsoft", "UserSecrets", id));
            await File.WriteAllTextAsync(
                Path.Combine(secrets.FullName, "secrets.json"),
                new JsonObject { ["AnimeProgress:Api:Tokens:0"] = SecretToken }.ToJsonString(),
                Ct);

            await using (var development = await StartAsync("Development", appData.FullName))
            {
                // The token from the secrets is required, so it was read.
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfJobsAsync(development, token: null));
                Assert.Equal(HttpStatusCode.OK, await StatusOfJobsAsync(development, SecretToken));
            }

            await using var production = await StartAsync("Production", appData.FullName);
            Assert.Equal(HttpStatusCode.OK, await StatusOfJobsAsync(production, token: null));
        }
        finally
        {
            appData.Delete(recursive: true);
        }
    }

    [Fact]
    public void Dotnet_run_does_not_force_the_development_environment()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "AnimeProgress.Web", "Properties", "launchSettings.json")));
        var profiles = settings.RootElement.GetProperty("profiles").EnumerateObject().ToList();

        // dotnet run takes the first profile that runs the project.
        var first = profiles.First(p => p.Value.GetProperty("commandName").GetString() == "Project");
        Assert.Empty(EnvironmentNames(first.Value));
        // Development stays one explicit choice away (dotnet run --launch-profile development).
        Assert.Contains(profiles, p => EnvironmentNames(p.Value).Contains("Development"));
    }

    private static List<string?> EnvironmentNames(JsonElement profile) =>
        profile.TryGetProperty("environmentVariables", out var variables)
            ? [.. variables.EnumerateObject().Where(v => v.Name is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT").Select(v => v.Value.GetString())]
            : [];

    private static Task<AppServerProcess> StartAsync(string environment, string appData) =>
        AppServerProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = environment,
                ["APPDATA"] = appData,
                ["AnimeProgress__Demo__Enabled"] = "false",
            },
            Ct);

    private static async Task<HttpStatusCode> StatusOfJobsAsync(AppServerProcess app, string? token)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
