using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Api;

/// <summary>The demo at test speed, shared by a test class: emulated ComfyUI machines running jobs.</summary>
public sealed class DemoApiApp : IAsyncDisposable
{
    internal AppHost App { get; } = ApiApps.StartDemo();

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>
/// Starts the app for the API tests on a free port. Without the "urls" setting every test host
/// listens on localhost:5000 as well (UseKestrel(0) keeps the default address), so two test runs
/// on one machine would collide.
/// </summary>
internal static class ApiApps
{
    public static AppHost Start(Dictionary<string, string?> settings)
    {
        settings["urls"] = "http://127.0.0.1:0";
        return AppHost.Start(settings);
    }

    public static AppHost StartDemo() =>
        AppHost.StartDemo(timeScale: 0.25, new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
}
