using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>A job as the database holds it, with the progress samples recorded for it.</summary>
public sealed record StoredJobRecord(JobSnapshot Job, IReadOnlyList<ProgressSample> Samples);
