using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>An emulated ComfyUI and the app with it as instance <c>gpu-1</c>, online: what the relay tests stand on.</summary>
internal sealed class RelayTestApp : IAsyncDisposable
{
    private RelayTestApp(ComfyUiEmulatorServer gpu, AppHost app) => (Gpu, App) = (gpu, app);

    public ComfyUiEmulatorServer Gpu { get; }

    public AppHost App { get; }

    public static async Task<RelayTestApp> StartAsync(CancellationToken cancellationToken)
    {
        var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.2 }, cancellationToken);
        var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-1",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = gpu.BaseUrl.ToString(),
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Online), what: "gpu-1 online");
        return new RelayTestApp(gpu, app);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Gpu.DisposeAsync();
    }
}
