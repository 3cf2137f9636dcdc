using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Web.Hosting.Registration;

namespace AnimeProgress.Web.Relay;

/// <summary>The ComfyUI-compatible relay at <c>/comfyui/{instance}/</c> (issue 17, docs/relay.md).</summary>
public static class RelayRegistration
{
    public const string PathPrefix = "/comfyui";

    public static IServiceCollection AddComfyUiRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RelayOptions, RelayOptionsValidator>(configuration, RelayOptions.Section);
        services.AddHttpForwarder();
        services.AddSingleton<RelayHttp>();
        services.AddSingleton<RelayedPrompts>();
        services.AddSingleton<RelaySockets>();
        services.AddSingleton<IFrameTap>(sp => sp.GetRequiredService<RelaySockets>());
        services.AddSingleton<RelayAccess>();
        services.AddSingleton<RelaySocketEndpoint>();
        services.AddSingleton<PromptRelay>();
        services.AddSingleton<RelayWorkActions>();
        services.AddSingleton<RelayProxy>();
        services.AddSingleton<RelayEndpoint>();
        services.AddSingleton<Port.RelayPortBinding>();
        services.AddSingleton<Port.RelayPortServer>(); // started only when AnimeProgress:Relay:Port is set (HostedServiceStartOrder)
        services.AddSingleton<Fleet.FleetPrompts>();
        services.AddSingleton<Fleet.FleetReads>();
        services.AddSingleton<Fleet.FleetSocketEndpoint>();
        services.AddSingleton<Fleet.FleetPromptRelay>();
        services.AddSingleton<Fleet.FleetWorkActions>();
        services.AddSingleton<Fleet.FleetRelayEndpoint>();
        return services;
    }

    /// <summary>The relay's branch, with WebSockets of its own (the dashboard's circuits keep their settings).</summary>
    public static WebApplication MapComfyUiRelay(this WebApplication app)
    {
        app.Map(PathPrefix, RelayBranch);
        return app;
    }

    /// <summary>The relay itself, under <see cref="PathPrefix"/>: on the dashboard's port and on the relay's own (Relay/Port).</summary>
    public static void RelayBranch(IApplicationBuilder branch)
    {
        branch.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        branch.Run(context => context.RequestServices.GetRequiredService<RelayEndpoint>().HandleAsync(context));
    }

    /// <summary>True when <c>AnimeProgress:Relay:Port</c> is set: the relay also answers on a port of its own (Relay/Port).</summary>
    public static bool UsesOwnPort(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[$"{RelayOptions.Section}:{nameof(RelayOptions.Port)}"]);
}
