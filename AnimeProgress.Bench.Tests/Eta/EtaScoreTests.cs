using System.Globalization;
using AnimeProgress.Bench.Eta;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Tests.Eta;

public sealed class EtaScoreTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A job that waits, then runs 100 s at 1 % per second: Initializing for 10 s, Rendering to 90 s, Finalizing to the end.</summary>
    private static JobTrace Steady(string name, double wait)
    {
        var lines = new List<string> { """{"t": 0, "percent": null, "stage": "Queued", "status": "queued"}""" };
        for (var s = 0; s < 100; s++)
        {
            var stage = s < 10 ? "Initializing" : s < 90 ? "Rendering" : "Finalizing";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $$"""{"t": {{wait + s}}, "percent": {{s}}, "stage": "{{stage}}", "status": "running"}"""));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $$"""{"t": {{wait + 100}}, "percent": 100, "stage": "Completed", "status": "completed"}"""));
        return TraceReader.Read(new StringReader(string.Join("\n", lines)), name);
    }

    private static JobTrace Failing() => TraceReader.Read(new StringReader("""
        {"t": 0, "percent": 0, "stage": "Initializing", "status": "running"}
        {"t": 5, "percent": 20, "stage": "Rendering", "status": "running"}
        {"t": 9, "percent": 20, "stage": "Failed", "status": "failed"}
        """), "job-0002.jsonl");

    [Fact]
    public void The_replay_drives_the_model_with_trace_time_and_records_only_run_time()
    {
        var model = new RecordingEtaModel(eta: 50);

        var replay = TraceReplayer.Replay(Steady("job-0001.jsonl", wait: 30), model, Submitted);

        Assert.Equal(Submitted.AddSeconds(30), Assert.Single(model.Starts).At);
        var (run, stages, succeeded) = Assert.Single(model.Finished);
        Assert.Equal((TimeSpan.FromSeconds(100), true), (run, succeeded));
        Assert.Equal(
            new Dictionary<Stage, TimeSpan> { [Stage.Initializing] = TimeSpan.FromSeconds(10), [Stage.Rendering] = TimeSpan.FromSeconds(80), [Stage.Finalizing] = TimeSpan.FromSeconds(10) },
            stages);
        var times = model.Observations.Select(o => o.At).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(times, at => Assert.InRange(at, Submitted.AddSeconds(30), Submitted.AddSeconds(130)));
        Assert.Equal([0.1, 0.25, 0.5, 0.75, 0.9], replay.Predictions.Select(p => p.Fraction));
        Assert.Equal([90.0, 75, 50, 25, 10], replay.Predictions.Select(p => p.Truth));
        Assert.Equal([90.0, 75, 50, 25, 10], replay.Predictions.Select(p => p.Linear!.Value));
    }

    [Fact]
    public void The_score_of_a_tiny_set_is_the_known_answer()
    {
        var model = new RecordingEtaModel(eta: 50);
        var score = new EtaScore();
        foreach (var trace in new[] { Steady("job-0001.jsonl", wait: 0), Failing(), Steady("job-0003.jsonl", wait: 30) })
        {
            score.Add(TraceReplayer.Replay(trace, model, Submitted));
        }

        Assert.Equal((3, 2, 1), (score.Jobs, score.Scored, score.Failed));
        // Always "50 s left" against the truth of 90, 75, 50, 25 and 10 s.
        Assert.Equal([40.0 / 90, 25.0 / 75, 0, 1, 4], EtaScore.Fractions.Select((_, i) => score.EngineMedian(i)), new RoundedComparer());
        Assert.All(EtaScore.Fractions.Select((_, i) => score.LinearMedian(i)), median => Assert.Equal(0, median, 9));
        Assert.Equal(0.2, score.EngineWithin(), 9);
        Assert.Equal(1.0, score.LinearWithin(), 9);
        Assert.Equal(2, model.Finished.Count(f => f.Succeeded));
        Assert.Single(model.Finished, f => !f.Succeeded);
    }

    [Fact]
    public void A_missing_estimate_counts_as_a_full_error()
    {
        var score = new EtaScore();
        score.Add(TraceReplayer.Replay(Steady("job-0001.jsonl", wait: 0), new RecordingEtaModel(eta: null), Submitted));

        Assert.All(EtaScore.Fractions.Select((_, i) => score.EngineMedian(i)), median => Assert.Equal(1, median));
        Assert.All(EtaScore.Fractions.Select((_, i) => score.EngineMissing(i)), missing => Assert.Equal(1, missing));
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-6;

        public int GetHashCode(double obj) => 0;
    }
}
