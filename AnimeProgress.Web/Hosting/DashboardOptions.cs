namespace AnimeProgress.Web.Hosting;

/// <summary>Bound from <c>AnimeProgress:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "AnimeProgress:Dashboard";

    /// <summary>Render cap per viewer; a cap of R puts a floor of about 1/R under update latency.</summary>
    public double MaxRendersPerSecond { get; set; } = 5;

    /// <summary>Finished jobs listed under the running and queued ones.</summary>
    public int RecentFinished { get; set; } = 15;

    public TimeSpan MinRenderInterval => TimeSpan.FromSeconds(1 / MaxRendersPerSecond);
}
