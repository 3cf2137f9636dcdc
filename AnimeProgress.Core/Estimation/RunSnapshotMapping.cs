namespace AnimeProgress.Core.Estimation;

/// <summary>Converts remembered runs to and from their snapshot records, losslessly.</summary>
internal static class RunSnapshotMapping
{
    public static RunSnapshot ToSnapshot(JobFacts facts, RunRecord run) => new(
        facts.Kind,
        facts.WorkflowKey,
        facts.Instance,
        run.TotalSeconds,
        run.FinishedAt,
        run.PriorLevel,
        run.Segments.Select(s => new SegmentSnapshot(
            s.Stage,
            s.StartSeconds,
            s.EndSeconds,
            Known(s.StartPercent),
            Known(s.EndPercent),
            s.Curve?.Points.Select(p => p.Seconds).ToArray(),
            s.Curve?.Points.Select(p => p.Done).ToArray())).ToArray(),
        run.Samples.Select(s => new SampleSnapshot(s.Seconds, Known(s.Etas.StageAware), Known(s.Etas.Linear), Known(s.Etas.OwnPace), Known(s.Blended), Known(s.Spread), s.Percent, s.Stalled, s.Paused, s.Quiet)).ToArray());

    public static (JobFacts Facts, RunRecord Run) FromSnapshot(RunSnapshot snapshot)
    {
        var segments = snapshot.Segments.Select(s => new RunSegment(
            s.Stage,
            s.StartSeconds,
            s.EndSeconds,
            s.StartPercent ?? double.NaN,
            s.EndPercent ?? double.NaN,
            s.CurveSeconds is { } seconds && s.CurveDone is { } done
                ? new SegmentCurve(seconds.Zip(done, (a, b) => (a, b)).ToArray())
                : null)).ToArray();
        var samples = snapshot.Samples.Select(s => new RunSample(s.Seconds, new CandidateEtas(s.StageAware, s.Linear, s.OwnPace), s.Blended, s.Spread, s.Percent, s.Stalled, s.Paused, s.Quiet)).ToArray();
        return (new JobFacts(snapshot.Kind, snapshot.WorkflowKey, snapshot.Instance), new RunRecord(segments, snapshot.TotalSeconds, samples, snapshot.FinishedAt, snapshot.PriorLevel));
    }

    private static double? Known(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
