using AnimeProgress.Web.Diagnostics;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AnimeProgress.Web.Hosting.Registration;

public static class DiagnosticsRegistration
{
    /// <summary>The circuit counter and the (off by default) load statistics for the benchmark.</summary>
    public static IServiceCollection AddDiagnostics(this IServiceCollection services, IConfiguration configuration)
    {
        // One on/off setting, nothing a validator could add: binding it at start fails a non-boolean naming the key.
        services.AddOptions<DiagnosticsOptions>().Bind(configuration.GetSection(DiagnosticsOptions.Section)).ValidateOnStart();
        services.AddSingleton<CircuitCounter>();
        services.AddSingleton<CircuitHandler>(sp => sp.GetRequiredService<CircuitCounter>());
        return services;
    }
}
