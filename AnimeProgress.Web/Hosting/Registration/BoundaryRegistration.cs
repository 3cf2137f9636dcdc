using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Web.Hosting.Registration;

public static class BoundaryRegistration
{
    /// <summary>The caps on text from outside (ComfyUI, other programs' rows, API requests), checked at start.</summary>
    public static IServiceCollection AddInputLimits(this IServiceCollection services, IConfiguration configuration) =>
        services.AddValidatedOptions<InputLimits, InputLimitsValidator>(configuration, InputLimits.Section);
}
