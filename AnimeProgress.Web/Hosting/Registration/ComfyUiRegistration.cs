using AnimeProgress.Core.ComfyUi;
using Microsoft.Extensions.Http.Resilience;

namespace AnimeProgress.Web.Hosting.Registration;

public static class ComfyUiRegistration
{
    /// <summary>The ComfyUI machines: their settings, the HTTP client with one breaker per machine, the fleet of connections.</summary>
    public static IServiceCollection AddComfyUi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ComfyUiOptions, ComfyUiOptionsValidator>(configuration, ComfyUiOptions.Section);
        // An instance given only a BaseUrl is named after its host and port ("127.0.0.1:8188").
        services.PostConfigure<ComfyUiOptions>(o =>
        {
            foreach (var instance in o.Instances.Where(i => string.IsNullOrWhiteSpace(i.Name)))
            {
                instance.Name = Uri.TryCreate(instance.BaseUrl, UriKind.Absolute, out var url) ? url.Authority : null;
            }
        });

        services.AddHttpClient(ComfyUiFleet.HttpClientName)
            .AddStandardResilienceHandler(o =>
            {
                // A POST /prompt retried blindly could queue a job twice.
                o.Retry.DisableForUnsafeHttpMethods();
                o.Retry.MaxRetryAttempts = 2;
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
            })
            // One breaker per ComfyUI machine: a dead instance must not block requests to the others.
            .SelectPipelineByAuthority();

        services.AddSingleton<ComfyUiFleet>();
        return services;
    }
}
