namespace AnimeProgress.Core.Jobs;

/// <summary>The words <c>production_jobs.source</c> holds for a <see cref="JobSource"/>.</summary>
public static class JobSourceNames
{
    public static string ToWire(this JobSource source) => source switch
    {
        JobSource.AnimeProgress => "animeprogress",
        JobSource.Broadcast => "broadcast",
        JobSource.External => "external",
        _ => "database",
    };

    /// <summary>Null, empty or an unknown word is a row another program wrote: <see cref="JobSource.Database"/>.</summary>
    public static JobSource FromWire(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "animeprogress" => JobSource.AnimeProgress,
        "broadcast" => JobSource.Broadcast,
        "external" => JobSource.External,
        _ => JobSource.Database,
    };
}
