namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>One recorded point of a job's progress: a <c>progress_history</c> row, or a live snapshot on the detail page.</summary>
public sealed record ProgressSample(DateTimeOffset At, double Percent, string Stage, double? Rate);

/// <summary>A job as the database holds it, with the progress samples recorded for it.</summary>
public sealed record StoredJobRecord(Core.Jobs.JobSnapshot Job, IReadOnlyList<ProgressSample> Samples);
