using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Relay.Port;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// The app with a relay port (any free one), <see cref="FrontendInstance"/> as instance <c>gpu-1</c> and an emulated
/// ComfyUI as <c>gpu-2</c>, online.
/// </summary>
internal sealed class RelayPortApp : IAsyncDisposable
{
    private RelayPortApp(FrontendInstance frontend, ComfyUiEmulatorServer gpu, AppHost app, Uri relayPort) =>
        (Frontend, Gpu, App, RelayPort) = (frontend, gpu, app, relayPort);

    public FrontendInstance Frontend { get; }

    public ComfyUiEmulatorServer Gpu { get; }

    public AppHost App { get; }

    /// <summary>The relay port's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri RelayPort { get; }

    public static async Task<RelayPortApp> StartAsync(CancellationToken cancellationToken)
    {
        var frontend = await FrontendInstance.StartAsync(cancellationToken);
        var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.2 }, cancellationToken);
        var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-1",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = frontend.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:Instances:1:Name"] = "gpu-2",
            ["AnimeProgress:ComfyUi:Instances:1:BaseUrl"] = gpu.BaseUrl.ToString(),
            ["AnimeProgress:Relay:Port"] = "0",
        });
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Name == "gpu-2" && i.Online), what: "gpu-2 online");
        var bound = app.Services.GetRequiredService<RelayPortServer>().Addresses;
        Assert.Single(bound);
        return new RelayPortApp(frontend, gpu, app, new Uri(bound[0], "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Gpu.DisposeAsync();
        await Frontend.DisposeAsync();
    }
}
