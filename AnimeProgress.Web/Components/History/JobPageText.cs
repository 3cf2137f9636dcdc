using System.Globalization;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Components.History;

/// <summary>
/// The words and times the job detail and history pages write about a job, in one place. (Durations and ETA words
/// come from <see cref="EtaFormatter"/>, shared with the live components.)
/// </summary>
internal static class JobPageText
{
    public static string Kind(JobKind kind) => kind == JobKind.Video ? "Video" : "Image";

    /// <summary>A moment on the server's clock, e.g. "yyyy-MM-dd HH:mm"; the unknown mark when there is none.</summary>
    public static string LocalTime(DateTimeOffset? at, TimeZoneInfo zone, string format) => at is { } value
        ? TimeZoneInfo.ConvertTime(value, zone).ToString(format, CultureInfo.InvariantCulture)
        : EtaFormatter.Unknown;

    /// <summary>Start to finish (or to the last update), as a duration.</summary>
    public static string RunTime(JobSnapshot job) =>
        job.Elapsed(job.FinishedAt ?? job.UpdatedAt) is { } run ? EtaFormatter.Format(run) : EtaFormatter.Unknown;
}
