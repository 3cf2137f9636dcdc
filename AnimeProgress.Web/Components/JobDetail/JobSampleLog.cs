using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Components.JobDetail;

/// <summary>
/// The detail page's chart points and stage timeline for one job: the stored samples, then the points seen live.
/// <see cref="Revision"/> changes with every rebuild, so the chart re-renders only then.
/// </summary>
public sealed class JobSampleLog
{
    // The history recorder's default spacing: live points arrive at the same pace as the stored ones.
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    private List<ProgressSample> _samples = [];

    public IReadOnlyList<ProgressSample> Samples => _samples;

    public IReadOnlyList<StagePeriod> Periods { get; private set; } = [];

    public int Revision { get; private set; }

    /// <summary>Starts over for another job; the timeline keeps its periods until the next rebuild.</summary>
    public void Clear() => _samples = [];

    /// <summary>Records a live snapshot as a point on a stage change, and otherwise at most every few seconds.</summary>
    public void Observe(JobSnapshot job)
    {
        var stage = job.Stage.DisplayName();
        var last = _samples.Count > 0 ? _samples[^1] : null;
        var due = last is null
            || !string.Equals(stage, last.Stage, StringComparison.Ordinal)
            || (job.UpdatedAt - last.At >= SampleEvery && job.Percent > last.Percent)
            || (job.IsTerminal && job.Percent > last.Percent);
        if (due && (last is null || job.UpdatedAt >= last.At))
        {
            _samples.Add(new ProgressSample(job.UpdatedAt, job.Percent, stage, job.RatePercentPerMinute));
            Rebuild(job);
        }
    }

    /// <summary>Stored samples come first; points seen live while the query ran (newer) stay after them.</summary>
    public void AddStored(IReadOnlyList<ProgressSample> stored)
    {
        var newest = stored.Count > 0 ? stored[^1].At : DateTimeOffset.MinValue;
        _samples = [.. stored, .. _samples.Where(s => s.At > newest)];
    }

    /// <summary>A new revision of the points and the stage timeline for the job as now shown.</summary>
    public void Rebuild(JobSnapshot? job)
    {
        Revision++;
        Periods = job is null ? [] : StagePeriods.Worked(_samples, StagePeriods.EndedIn(job), job.FinishedAt);
    }
}
