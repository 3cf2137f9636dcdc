using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>
/// A job's stages from its history samples: a stage starts at its first sample and ends where the
/// next stage starts. Outcomes (Completed, Failed, Cancelled) are the last span, ending with the job.
/// </summary>
public static class StageTimeline
{
    public static IReadOnlyList<StageSpan> Build(IReadOnlyList<ProgressHistoryRow> samples, JobSnapshot job)
    {
        var starts = new List<ProgressHistoryRow>();
        foreach (var sample in samples)
        {
            if (starts.Count == 0 || !string.Equals(starts[^1].Stage, sample.Stage, StringComparison.Ordinal))
            {
                starts.Add(sample);
            }
        }

        var spans = new List<StageSpan>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var isOutcome = job.IsTerminal && i == starts.Count - 1 && start.Stage == job.Stage.DisplayName();
            DateTimeOffset? end = i + 1 < starts.Count
                ? starts[i + 1].RecordedAt
                : isOutcome ? start.RecordedAt : job.IsTerminal ? job.FinishedAt : null;
            spans.Add(new StageSpan
            {
                Stage = start.Stage,
                StartedAt = WireTime.Format(start.RecordedAt),
                EndedAt = WireTime.Format(end),
                DurationSeconds = end is { } e ? Math.Round((e - start.RecordedAt).TotalSeconds, 3) : null,
                ProgressAtStart = start.Progress,
            });
        }

        return spans;
    }
}
