using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Hosting.Registration;

public static class JobReadModelRegistration
{
    /// <summary>
    /// The read model for jobs (<see cref="JobQueries"/>, <see cref="JobStatistics"/>): the REST API, the job detail
    /// page (/jobs/{id}) and the history page (/history) read jobs through it.
    /// </summary>
    public static IServiceCollection AddJobReadModel(this IServiceCollection services)
    {
        services.AddSingleton<JobQueries>();
        services.AddSingleton<JobStatistics>();
        return services;
    }
}
