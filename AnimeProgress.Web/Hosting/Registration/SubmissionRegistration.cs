using AnimeProgress.Core.Submission;

namespace AnimeProgress.Web.Hosting.Registration;

public static class SubmissionRegistration
{
    /// <summary>Submitting jobs to ComfyUI (POST /api/jobs, the demo generator, the simulate command).</summary>
    public static IServiceCollection AddSubmission(this IServiceCollection services)
    {
        services.AddSingleton<JobSubmitter>();
        return services;
    }
}
