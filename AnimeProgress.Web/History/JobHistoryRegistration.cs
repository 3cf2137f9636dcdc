using AnimeProgress.Web.History;

// In the hosting namespace so ServiceRegistration needs one line and no extra using.
namespace AnimeProgress.Web.Hosting;

public static class JobHistoryRegistration
{
    /// <summary>The queries behind the job detail page (/jobs/{id}) and the history page (/history).</summary>
    public static IServiceCollection AddJobHistoryQueries(this IServiceCollection services)
    {
        services.AddSingleton<JobHistoryQueries>();
        return services;
    }
}
