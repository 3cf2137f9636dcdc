using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Relay.Port;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>The app with a relay port (any free one) and <see cref="FrontendInstance"/> as instance <c>gpu-1</c>.</summary>
internal sealed class RelayPortApp : IAsyncDisposable
{
    private RelayPortApp(FrontendInstance frontend, AppHost app, Uri relayPort) => (Frontend, App, RelayPort) = (frontend, app, relayPort);

    public FrontendInstance Frontend { get; }

    public AppHost App { get; }

    /// <summary>The relay port's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri RelayPort { get; }

    public static async Task<RelayPortApp> StartAsync(CancellationToken cancellationToken)
    {
        var frontend = await FrontendInstance.StartAsync(cancellationToken);
        var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-1",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = frontend.BaseUrl.ToString(),
            ["AnimeProgress:Relay:Port"] = "0",
        });
        var bound = app.Services.GetRequiredService<RelayPortServer>().Addresses;
        Assert.Single(bound);
        return new RelayPortApp(frontend, app, new Uri(bound[0], "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Frontend.DisposeAsync();
    }
}
