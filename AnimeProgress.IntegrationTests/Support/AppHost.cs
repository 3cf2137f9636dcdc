using AnimeProgress.Core.Hub;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Support;

/// <summary>
/// The real app on a real Kestrel port on loopback (browsers and WebSocket clients need one),
/// with its own data folder and whatever settings the test gives.
/// </summary>
internal sealed class AppHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<AnimeProgress.Web.Components.App> _factory;
    private readonly string _dataDirectory;

    private AppHost(WebApplicationFactory<AnimeProgress.Web.Components.App> factory, string dataDirectory)
    {
        _factory = factory;
        _dataDirectory = dataDirectory;
    }

    public Uri BaseAddress => _factory.ClientOptions.BaseAddress;

    /// <summary>The app's SQLite file, for commands run against the same database (e.g. <c>users add</c>).</summary>
    public string DatabaseFile => Path.Combine(_dataDirectory, "animeprogress.db");

    public IServiceProvider Services => _factory.Services;

    public ProgressHub Hub => Services.GetRequiredService<ProgressHub>();

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <param name="services">Replaces registrations after the app's own (e.g. a fault-injecting decorator).</param>
    public static AppHost Start(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-test-").FullName;
        var factory = new WebApplicationFactory<AnimeProgress.Web.Components.App>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("AnimeProgress:Database:DataDirectory", data);
            // A free loopback port: the default localhost:5000 collides when two runs share a machine.
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return new AppHost(factory, data);
    }

    /// <summary>The demo at test speed: emulators on loopback, jobs a few seconds long.</summary>
    public static AppHost StartDemo(double timeScale = 0.25, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "true",
            ["AnimeProgress:Demo:TimeScale"] = timeScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AnimeProgress:Demo:SubmitInterval"] = "00:00:01",
            ["AnimeProgress:Demo:FailureRate"] = "0",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return Start(settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
