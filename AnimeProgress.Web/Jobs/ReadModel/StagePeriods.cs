using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// The one stage-timeline algorithm (REST timeline, job detail page, history averages): a stage starts at its first
/// sample and ends where the next stage starts. The last stage ends with the job: the stage the job ended in (its
/// outcome) is a zero-length closing period, any other stage ends at the finish time (open while the job runs).
/// </summary>
public static class StagePeriods
{
    /// <summary>The outcome "stages" mark an end, not work.</summary>
    public static bool IsOutcome(string stage) =>
        StageExtensions.TryParse(stage, out var s) && s is Stage.Completed or Stage.Failed or Stage.Cancelled;

    /// <param name="samples">In time order.</param>
    /// <param name="endedIn">The display name of the stage the job ended in; null while it runs.</param>
    /// <param name="finishedAt">
    /// When it ended, closing a last stage that is not the outcome. Unknown, or earlier than that stage's first sample
    /// (two machines' clocks), it leaves the stage open.
    /// </param>
    public static IReadOnlyList<StagePeriod> From(IReadOnlyList<ProgressSample> samples, string? endedIn, DateTimeOffset? finishedAt)
    {
        var starts = new List<ProgressSample>();
        foreach (var sample in samples)
        {
            if (starts.Count == 0 || !string.Equals(starts[^1].Stage, sample.Stage, StringComparison.Ordinal))
            {
                starts.Add(sample);
            }
        }

        var periods = new List<StagePeriod>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var finished = endedIn is not null;
            var outcome = finished && i == starts.Count - 1 && string.Equals(start.Stage, endedIn, StringComparison.Ordinal);
            DateTimeOffset? end = i + 1 < starts.Count
                ? starts[i + 1].At
                : outcome ? start.At : finished && finishedAt >= start.At ? finishedAt : null;
            periods.Add(new StagePeriod(start.Stage, start.At, end, start.Percent, outcome));
        }

        return periods;
    }

    /// <summary>The stage a job ended in, for <see cref="From"/>: its outcome once it has ended, null while it runs.</summary>
    public static string? EndedIn(JobSnapshot job) => job.IsTerminal ? job.Stage.DisplayName() : null;

    /// <summary>
    /// The stages a job worked in, as the pages show them: a closing outcome stage gets no period of its own (even
    /// when the job, as last seen, has not ended yet).
    /// </summary>
    public static IReadOnlyList<StagePeriod> Worked(IReadOnlyList<ProgressSample> samples, string? endedIn, DateTimeOffset? finishedAt)
    {
        var periods = From(samples, endedIn, finishedAt);
        return periods.Count > 0 && IsOutcome(periods[^1].Stage) ? [.. periods.Take(periods.Count - 1)] : periods;
    }
}
