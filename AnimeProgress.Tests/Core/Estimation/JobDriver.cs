using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>One step of a hand-made run: a stage that lasts some seconds and takes percent to a level, in even steps (0: one jump at its end, as a node without a progress bar does).</summary>
internal readonly record struct Leg(Stage Stage, double Seconds, double ToPercent, int Steps = 0);

/// <summary>
/// Drives one job through an <see cref="IEtaModel"/> the way the tracker does: Start, Observe on
/// every progress message and on a one-second clock tick, stage durations, RecordFinished. Time
/// comes from a <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class JobDriver
{
    private readonly IEtaModel _model;
    private readonly FakeTimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Dictionary<Stage, TimeSpan> _stages = [];
    private (Stage Stage, DateTimeOffset Since) _current;

    public JobDriver(IEtaModel model, FakeTimeProvider time, JobFacts facts)
    {
        _model = model;
        _time = time;
        Facts = facts;
        _startedAt = time.GetUtcNow();
        Estimator = model.Start(facts, _startedAt);
        _current = (Stage.Initializing, _startedAt);
        Observe();
    }

    public JobFacts Facts { get; }

    public IJobEstimator Estimator { get; }

    public double Percent { get; private set; }

    public Stage Stage { get; private set; } = Stage.Initializing;

    public double ElapsedSeconds => (_time.GetUtcNow() - _startedAt).TotalSeconds;

    public static readonly JobFacts Image = new(JobKind.Image, "wf-image", "gpu-1");

    /// <summary>
    /// An image job whose percent is not time: two loaders (5 % each in 10 s), prompt encoding,
    /// sampling (most of the percent), then a slow decode and save that move percent little. 65 s.
    /// </summary>
    public static Leg[] Profile(double gpuSlowness = 1, double loading = 1) =>
    [
        new(Stage.Initializing, 5 * loading, 5),
        new(Stage.Initializing, 5 * loading, 10),
        new(Stage.Processing, 2 * gpuSlowness, 15),
        new(Stage.Rendering, 30 * gpuSlowness, 85, Steps: 30),
        new(Stage.PostProcessing, 15 * gpuSlowness, 92),
        new(Stage.Finalizing, 8 * gpuSlowness, 99.9),
    ];

    public static double Seconds(IEnumerable<Leg> legs) => legs.Sum(l => l.Seconds);

    /// <summary>Runs whole jobs of <paramref name="profile"/> through the model so they become history.</summary>
    public static void Record(IEtaModel model, FakeTimeProvider time, JobFacts facts, IEnumerable<Leg> profile, int runs = 1)
    {
        for (var i = 0; i < runs; i++)
        {
            new JobDriver(model, time, facts with { }).Run(profile).Finish();
            time.Advance(TimeSpan.FromSeconds(30));
        }
    }

    public JobDriver Run(IEnumerable<Leg> legs)
    {
        foreach (var leg in legs)
        {
            Run(leg);
        }

        return this;
    }

    public JobDriver Run(Leg leg)
    {
        Stage = leg.Stage;
        Observe();
        var from = Percent;
        var steps = Math.Max(1, leg.Steps);
        for (var step = 1; step <= steps; step++)
        {
            Wait(leg.Seconds / steps);
            Percent = from + (leg.ToPercent - from) * step / steps;
            Observe();
        }

        return this;
    }

    /// <summary>Runs <paramref name="leg"/> only up to <paramref name="seconds"/> into it.</summary>
    public JobDriver RunPart(Leg leg, double seconds)
    {
        Stage = leg.Stage;
        Observe();
        var from = Percent;
        var steps = Math.Max(1, leg.Steps);
        var stepSeconds = leg.Seconds / steps;
        var done = 0.0;
        for (var step = 1; step <= steps && done + stepSeconds <= seconds + 1e-9; step++)
        {
            Wait(stepSeconds);
            done += stepSeconds;
            if (leg.Steps > 0 || step == steps)
            {
                Percent = from + (leg.ToPercent - from) * step / steps;
                Observe();
            }
        }

        Wait(seconds - done);
        return this;
    }

    /// <summary>Lets time pass without progress, with the tracker's one-second tick.</summary>
    public JobDriver Wait(double seconds)
    {
        var left = seconds;
        while (left > 1e-9)
        {
            var step = Math.Min(1, left);
            _time.Advance(TimeSpan.FromSeconds(step));
            left -= step;
            Observe();
        }

        return this;
    }

    public Estimate Estimate() => Estimator.EstimateAt(_time.GetUtcNow());

    public void Finish(bool succeeded = true)
    {
        var now = _time.GetUtcNow();
        _stages[_current.Stage] = _stages.GetValueOrDefault(_current.Stage) + (now - _current.Since);
        _model.RecordFinished(Facts, now - _startedAt, _stages, succeeded);
    }

    private void Observe()
    {
        var now = _time.GetUtcNow();
        if (_current.Stage != Stage)
        {
            _stages[_current.Stage] = _stages.GetValueOrDefault(_current.Stage) + (now - _current.Since);
            _current = (Stage, now);
        }

        Estimator.Observe(now, Percent, Stage);
    }
}
