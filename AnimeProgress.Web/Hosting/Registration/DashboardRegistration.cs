using MudBlazor.Services;

namespace AnimeProgress.Web.Hosting.Registration;

public static class DashboardRegistration
{
    /// <summary>The Blazor Server dashboard: its settings, MudBlazor and the interactive components.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DashboardOptions, DashboardOptionsValidator>(configuration, DashboardOptions.Section);
        services.AddMudServices();
        services.AddScoped<AnimeProgress.Web.Components.TimeZones.ViewerTimeZone>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        return services;
    }
}
