using MudBlazor.Services;

namespace AnimeProgress.Web.Hosting.Registration;

public static class DashboardRegistration
{
    /// <summary>The Blazor Server dashboard: its settings, MudBlazor, the interactive components and the history pages' queries.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DashboardOptions, DashboardOptionsValidator>(configuration, DashboardOptions.Section);
        services.AddMudServices();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddJobHistoryQueries(); // job detail and history pages (AnimeProgress.Web/History)
        return services;
    }
}
