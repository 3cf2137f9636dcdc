using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

/// <summary>What one replayed job predicted at one checkpoint of its true run time.</summary>
/// <param name="Truth">True remaining run time in seconds.</param>
/// <param name="Engine">The engine's ETA; null when it gave none.</param>
/// <param name="Linear">The seed's estimate, elapsed run time × (100 − p) / p; null at 0 %.</param>
/// <param name="Low">The low end of the engine's range (EtaLowSeconds); null when it gave none.</param>
/// <param name="High">The high end of the engine's range (EtaHighSeconds).</param>
internal readonly record struct Prediction(double Fraction, double Truth, double? Engine, double? Linear, double? Low = null, double? High = null)
{
    /// <summary>Whether the true remaining time fell inside the engine's range (no range: no).</summary>
    public bool Covered => Low is { } low && High is { } high && low <= Truth && Truth <= high;
}

/// <summary>The outcome of replaying one trace.</summary>
/// <param name="ExpectedRun">What the model expected the whole run to take before it started (null without history).</param>
internal sealed record JobReplay(string Name, JobKind Kind, bool Ran, bool Completed, double? RunSeconds, double? ExpectedRun, IReadOnlyList<Prediction> Predictions);

/// <summary>
/// Feeds a trace to an <see cref="IEtaModel"/> the way <c>ProgressTracker</c> does: Start when the
/// job starts running, Observe on every observation and on a one-second clock tick, stage
/// durations closed at each stage change, RecordFinished with the run time only (never the queue
/// wait). All timestamps come from the trace; the wall clock is never read.
/// </summary>
internal static class TraceReplayer
{
    public static readonly double[] Fractions = [0.10, 0.25, 0.50, 0.75, 0.90];

    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Replays <paramref name="traces"/> one after another through one model (earlier jobs are
    /// history for later ones), each submitted a second after the previous one ended.
    /// </summary>
    /// <returns>Where the replay's clock ended, to continue another replay from.</returns>
    public static DateTimeOffset ReplayAll(IEnumerable<JobTrace> traces, IEtaModel model, Action<JobReplay> scored, DateTimeOffset? from = null, CancellationToken cancellationToken = default)
    {
        var clock = from ?? Epoch;
        foreach (var trace in traces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scored(Replay(trace, model, clock));
            clock = clock.AddSeconds(trace.Points[^1].T + 1);
        }

        return clock;
    }

    /// <param name="submittedAt">Where the trace's t = 0 sits on the replay's clock.</param>
    public static JobReplay Replay(JobTrace trace, IEtaModel model, DateTimeOffset? submittedAt = null)
    {
        var zero = submittedAt ?? Epoch;
        var facts = trace.ToFacts();
        var completed = trace.Finish is not null;
        if (trace.RunStart is not { } runStart)
        {
            return new JobReplay(trace.Name, trace.Kind, false, false, null, null, []);
        }

        var end = trace.Points[^1].T;
        var expected = model.ExpectedRunSeconds(facts);
        var estimator = model.Start(facts, zero.AddSeconds(runStart));
        var stages = new StageClock();
        var percent = 0.0;
        var stage = Stage.Initializing;
        var predictions = new List<Prediction>(Fractions.Length);
        var checkpoints = completed ? Fractions.Select(f => (Fraction: f, At: runStart + f * (end - runStart))).ToArray() : [];
        var nextCheckpoint = 0;
        var nextTick = runStart + 1;

        void Observe(double t)
        {
            stages.Track(stage, t);
            estimator.Observe(zero.AddSeconds(t), percent, stage);
        }

        // Ticks and checkpoints that fall before time t (exclusive), in time order.
        void CatchUp(double t, bool inclusive)
        {
            while (true)
            {
                var checkpointAt = nextCheckpoint < checkpoints.Length ? checkpoints[nextCheckpoint].At : double.PositiveInfinity;
                var next = Math.Min(nextTick, checkpointAt);
                if (next > t || (!inclusive && next == t))
                {
                    return;
                }

                Observe(next);
                if (next == checkpointAt)
                {
                    var (fraction, at) = checkpoints[nextCheckpoint++];
                    var elapsed = at - runStart;
                    double? linear = percent > 0 ? elapsed * (100 - percent) / percent : null;
                    var estimate = estimator.EstimateAt(zero.AddSeconds(at));
                    predictions.Add(new Prediction(fraction, end - at, estimate.EtaSeconds, linear, estimate.EtaLowSeconds, estimate.EtaHighSeconds));
                }

                if (next == nextTick)
                {
                    nextTick += 1;
                }
            }
        }

        foreach (var point in trace.Points)
        {
            if (point.T < runStart || point.Status == TraceStatus.Queued)
            {
                continue;
            }

            if (point.Status is TraceStatus.Completed or TraceStatus.Failed)
            {
                CatchUp(point.T, inclusive: true);
                break;
            }

            CatchUp(point.T, inclusive: false);
            percent = Math.Max(percent, point.Percent ?? percent);
            stage = point.Stage;
            Observe(point.T);
        }

        stages.Close(end);
        model.RecordFinished(facts, TimeSpan.FromSeconds(end - runStart), stages.Durations, completed);
        return new JobReplay(trace.Name, trace.Kind, true, completed, end - runStart, expected, predictions);
    }

    /// <summary>Time per stage, closed at each stage change, as the tracker keeps it.</summary>
    private sealed class StageClock
    {
        private (Stage Stage, double Since)? _current;

        public Dictionary<Stage, TimeSpan> Durations { get; } = [];

        public void Track(Stage stage, double at)
        {
            if (_current is { } current && current.Stage == stage)
            {
                return;
            }

            Close(at);
            _current = (stage, at);
        }

        public void Close(double at)
        {
            if (_current is { } current)
            {
                Durations[current.Stage] = Durations.GetValueOrDefault(current.Stage) + TimeSpan.FromSeconds(at - current.Since);
                _current = null;
            }
        }
    }
}
