using System.Globalization;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>
/// The demo's emulated GPUs run here, in the bench's process, instead of inside the app (<c>--separate-emulators</c>):
/// an emulator keeps every prompt's history as ComfyUI does, so inside the app it grows the app's memory with every
/// job and hides whether the app itself stays flat over a long run.
/// </summary>
internal sealed class SeparateEmulators : IAsyncDisposable
{
    private readonly List<ComfyUiEmulatorServer> _servers;

    private SeparateEmulators(List<ComfyUiEmulatorServer> servers) => _servers = servers;

    public static async Task<SeparateEmulators> StartAsync(int count, double timeScale, CancellationToken cancellationToken)
    {
        var servers = new List<ComfyUiEmulatorServer>();
        for (var i = 0; i < count; i++)
        {
            servers.Add(await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = timeScale }, cancellationToken));
        }

        return new SeparateEmulators(servers);
    }

    /// <summary>The app's settings: no built-in emulators, these as its ComfyUI instances, the demo's generator feeding them.</summary>
    public void Configure(IDictionary<string, string> settings)
    {
        settings["AnimeProgress:Demo:Instances"] = "0";
        for (var i = 0; i < _servers.Count; i++)
        {
            settings[string.Create(CultureInfo.InvariantCulture, $"AnimeProgress:ComfyUi:Instances:{i}:Name")] = $"gpu-{i + 1}";
            settings[string.Create(CultureInfo.InvariantCulture, $"AnimeProgress:ComfyUi:Instances:{i}:BaseUrl")] = _servers[i].BaseUrl.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
