namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>One recorded point of a job's progress: a <c>progress_history</c> row, or a live snapshot on the detail page.</summary>
public sealed record ProgressSample(DateTimeOffset At, double Percent, string Stage, double? Rate);
