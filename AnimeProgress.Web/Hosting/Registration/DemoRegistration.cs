using AnimeProgress.Web.Demo;

namespace AnimeProgress.Web.Hosting.Registration;

public static class DemoRegistration
{
    /// <summary>The demo: loopback ComfyUI emulators (and, in the start order, the job generator). Its settings are checked even when it is off.</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration, AppFeatures features)
    {
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(configuration, DemoOptions.Section);
        if (features.Demo)
        {
            services.AddSingleton<DemoEmulators>();
        }

        return services;
    }
}
