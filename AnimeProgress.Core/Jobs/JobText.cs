using System.Globalization;

namespace AnimeProgress.Core.Jobs;

/// <summary>
/// How a job reads to a person, in one place: durations ("2m 25s"), ETA words and ranges, percent,
/// rate, frames, kind, trend, source and the notices about a job. Lives in Core, beside
/// <see cref="JobSnapshot"/>, because the wire's <c>eta_formatted</c> (through
/// <see cref="JobSnapshot.EtaText"/>), the command line and every page need the same words.
/// Culture-invariant: the seed's clients and the tests read exactly these strings.
/// </summary>
public static class JobText
{
    /// <summary>What anything unknown shows.</summary>
    public const string Unknown = "—";

    /// <summary>"2m 25s", "59s", "2h 3m"; <see cref="Unknown"/> for nothing, a negative or an impossible value.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } value || double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            return Unknown;
        }

        return Duration(TimeSpan.FromSeconds(Math.Round(value)));
    }

    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d || d < TimeSpan.Zero)
        {
            return Unknown;
        }

        var total = (long)Math.Round(d.TotalSeconds);
        var hours = total / 3600;
        var minutes = total % 3600 / 60;
        var secs = total % 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}h {minutes}m")
            : minutes > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{minutes}m {secs}s")
                : string.Create(CultureInfo.InvariantCulture, $"{secs}s");
    }

    /// <summary>
    /// "4–6 min" when the range is wide (more than a fifth of the estimate and over 30 s), else the point
    /// estimate as <see cref="Duration(double?)"/> gives it.
    /// </summary>
    public static string EtaRange(double? eta, double? low, double? high)
    {
        if (eta is not { } point || low is not { } lo || high is not { } hi || hi - lo <= Math.Max(30, 0.2 * point))
        {
            return Duration(eta);
        }

        if (hi < 90)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(lo)}–{Math.Round(hi)} s");
        }

        if (hi < 5400)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, Math.Floor(lo / 60))}–{Math.Ceiling(hi / 60)} min");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(lo / 360) / 10:0.#}–{Math.Ceiling(hi / 360) / 10:0.#} h");
    }

    /// <summary>The ETA a job shows: a range while it runs, "~2m 0s" while queued, "done" once completed.</summary>
    public static string Eta(JobSnapshot job) => job.Status switch
    {
        JobStatus.Running => EtaRange(job.EtaSeconds, job.EtaLowSeconds, job.EtaHighSeconds),
        JobStatus.Queued when job.EtaSeconds is not null => "~" + Duration(job.EtaSeconds),
        JobStatus.Completed => "done",
        _ => Unknown,
    };

    /// <summary>"Finishes about 14:05" in <paramref name="zone"/>, from the snapshot's own time; null when not expected to finish.</summary>
    public static string? FinishesAbout(JobSnapshot job, TimeZoneInfo zone) =>
        job.EtaSeconds is { } eta && job.Status is JobStatus.Running or JobStatus.Queued
            ? "Finishes about " + TimeZoneInfo.ConvertTime(job.UpdatedAt.AddSeconds(eta), zone).ToString("HH:mm", CultureInfo.InvariantCulture)
            : null;

    /// <summary>Start to finish (or to the last update of a job that has not finished).</summary>
    public static string RunTime(JobSnapshot job) => Duration(job.Elapsed(job.FinishedAt ?? job.UpdatedAt));

    /// <summary>Run time as of the snapshot (running jobs get a fresh snapshot every tick, so no timer is needed).</summary>
    public static string Elapsed(JobSnapshot job) => Duration(job.Elapsed(job.UpdatedAt));

    /// <summary>
    /// False for a running job ComfyUI reports no steps of (another client's): it shows that it runs,
    /// never an invented percent.
    /// </summary>
    public static bool ShowsPercent(JobSnapshot job) => job.HasStepDetail || job.Status != JobStatus.Running;

    /// <summary>"65%", or <see cref="Unknown"/> when the percent is not known (see <see cref="ShowsPercent"/>).</summary>
    public static string Percent(JobSnapshot job) =>
        ShowsPercent(job) ? job.Percent.ToString("0", CultureInfo.InvariantCulture) + "%" : Unknown;

    /// <summary>The percent as a number for a progress bar's value and width: "65.5".</summary>
    public static string PercentValue(double percent) => percent.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>"12.5 %/min" while running, else <see cref="Unknown"/>.</summary>
    public static string Rate(JobSnapshot job) =>
        job.RatePercentPerMinute is { } r && job.Status == JobStatus.Running ? Rate(r) : Unknown;

    public static string Rate(double percentPerMinute) => percentPerMinute.ToString("0.0", CultureInfo.InvariantCulture) + " %/min";

    /// <summary>"↑", "→" or "↓" while running; empty otherwise or while unknown.</summary>
    public static string TrendArrow(JobSnapshot job) => job.Status != JobStatus.Running ? "" : job.RateTrend switch
    {
        RateTrend.SpeedingUp => "↑",
        RateTrend.SlowingDown => "↓",
        RateTrend.Steady => "→",
        _ => "",
    };

    /// <summary>"Speeding up", "Steady", "Slowing down"; null while unknown.</summary>
    public static string? TrendWords(RateTrend trend) => trend switch
    {
        RateTrend.SpeedingUp => "Speeding up",
        RateTrend.SlowingDown => "Slowing down",
        RateTrend.Steady => "Steady",
        _ => null,
    };

    /// <summary>"78 / 120", "~78 / 120" when estimated from progress; null when the job has no frame count.</summary>
    public static string? Frames(JobSnapshot job) => job.FramesTotal is { } total
        ? string.Create(CultureInfo.InvariantCulture, $"{(job.FramesEstimated ? "~" : "")}{job.FramesDone ?? 0} / {total}")
        : null;

    public static string Kind(JobKind kind) => kind == JobKind.Video ? "Video" : "Image";

    /// <summary>"gpu-1 · #2 in queue": the machine and the place in its queue.</summary>
    public static string Placement(JobSnapshot job) =>
        (job.Instance ?? Unknown) + (job.QueuePosition is { } p ? string.Create(CultureInfo.InvariantCulture, $" · #{p} in queue") : "");

    /// <summary>A short note on who submitted a job other than AnimeProgress itself: " · other client".</summary>
    public static string SourceNote(JobSource source) => source switch
    {
        JobSource.Broadcast => " · posted without client id",
        JobSource.External => " · other client",
        JobSource.Database => " · from the database",
        _ => "",
    };

    /// <summary>The notice when a job ends: "Completed: title", "Failed: title — error"; null while it has not ended.</summary>
    public static string? Outcome(JobSnapshot job) => job.Status switch
    {
        JobStatus.Completed => $"Completed: {job.Title}",
        JobStatus.Failed => $"Failed: {job.Title}{(job.Error is null ? "" : " — " + job.Error)}",
        JobStatus.Cancelled => $"Cancelled: {job.Title}",
        _ => null,
    };

    /// <summary>The browser tab's title: "(3) AnimeProgress" while jobs run.</summary>
    public static string TabTitle(int running) =>
        running > 0 ? string.Create(CultureInfo.InvariantCulture, $"({running}) AnimeProgress") : "AnimeProgress";

    public static string PreviewAlt(string title) => $"Latest preview of {title}";

    /// <summary>A clock time in <paramref name="zone"/> with the given format; <see cref="Unknown"/> for none.</summary>
    public static string Clock(DateTimeOffset? at, TimeZoneInfo zone, string format) => at is { } value
        ? TimeZoneInfo.ConvertTime(value, zone).ToString(format, CultureInfo.InvariantCulture)
        : Unknown;
}
