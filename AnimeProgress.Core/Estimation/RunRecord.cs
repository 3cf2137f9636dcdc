using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// A finished, successful run as the history prior keeps it: its stage visits in order, its run
/// time, and what the engine predicted along the way (which scores each candidate estimate).
/// </summary>
public sealed class RunRecord
{
    /// <summary>The order stages normally run in; used when only stage totals are known.</summary>
    public static readonly Stage[] RunStages = [Stage.Initializing, Stage.Processing, Stage.Rendering, Stage.PostProcessing, Stage.Finalizing];

    public RunRecord(
        IReadOnlyList<RunSegment> segments,
        double totalSeconds,
        IReadOnlyList<RunSample>? samples = null,
        DateTimeOffset? finishedAt = null,
        HistoryLevel priorLevel = HistoryLevel.None)
    {
        Segments = segments;
        TotalSeconds = totalSeconds;
        Samples = samples ?? [];
        FinishedAt = finishedAt;
        PriorLevel = priorLevel;
    }

    public IReadOnlyList<RunSegment> Segments { get; }

    public double TotalSeconds { get; }

    /// <summary>The engine's predictions during the run, oldest first; empty when the run was recorded without its estimator.</summary>
    public IReadOnlyList<RunSample> Samples { get; }

    /// <summary>When the run ended; null when not known (a run recorded from stage totals).</summary>
    public DateTimeOffset? FinishedAt { get; }

    /// <summary>How alike the runs were that the engine compared this run with while it ran (its samples are only comparable with jobs in the same situation).</summary>
    public HistoryLevel PriorLevel { get; }

    /// <summary>
    /// A run known only by how long each stage took (no estimator to ask): one segment per stage
    /// in the usual order, percents unknown, stretched or cut to the run time.
    /// </summary>
    public static RunRecord FromStageTotals(double totalSeconds, IReadOnlyDictionary<Stage, TimeSpan> stageDurations)
    {
        var segments = new List<RunSegment>(RunStages.Length);
        var at = 0.0;
        foreach (var stage in RunStages)
        {
            if (stageDurations.TryGetValue(stage, out var duration) && duration > TimeSpan.Zero && at < totalSeconds)
            {
                var end = Math.Min(totalSeconds, at + duration.TotalSeconds);
                segments.Add(new RunSegment(stage, at, end, double.NaN, double.NaN));
                at = end;
            }
        }

        if (segments.Count == 0)
        {
            segments.Add(new RunSegment(Stage.Rendering, 0, totalSeconds, double.NaN, double.NaN));
        }
        else if (at < totalSeconds)
        {
            // Time the tracker did not attribute to a stage belongs to the last one.
            var last = segments[^1];
            segments[^1] = last with { EndSeconds = totalSeconds };
        }

        return new RunRecord(segments, totalSeconds);
    }

    /// <summary>Index of the <paramref name="visit"/>-th (1-based) segment of <paramref name="stage"/>, or -1.</summary>
    public int IndexOfVisit(Stage stage, int visit)
    {
        var seen = 0;
        for (var i = 0; i < Segments.Count; i++)
        {
            if (Segments[i].Stage == stage && ++seen == visit)
            {
                return i;
            }
        }

        return -1;
    }
}
