using System.Text.Json;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Estimation;

/// <summary>The history snapshot: plain records that survive JSON and load into a history that estimates as the old one did.</summary>
public sealed class RunHistorySnapshotTests
{
    private static readonly JobKind[] Kinds = [JobKind.Image, JobKind.Video];

    [Fact]
    public void Any_history_survives_export_json_and_import_unchanged()
    {
        Gen.Int.Select(seed => RandomHistory(new Random(seed))).Sample(
            history =>
            {
                var json = JsonSerializer.Serialize(history.Export());
                var restored = new RunHistory();

                Assert.True(restored.Import(JsonSerializer.Deserialize<RunHistorySnapshot>(json)!));
                Assert.Equal(json, JsonSerializer.Serialize(restored.Export()));
            },
            iter: 200,
            threads: 1);
    }

    [Fact]
    public void A_snapshot_keeps_every_run_once_in_the_order_they_finished()
    {
        var history = new RunHistory();
        for (var i = 1; i <= 4; i++)
        {
            history.Add(new JobFacts(JobKind.Image, $"wf-{i % 2}", "gpu-1"), RunRecord.FromStageTotals(10 * i, new Dictionary<Stage, TimeSpan>()));
        }

        var snapshot = history.Export();

        Assert.Equal(RunHistorySnapshot.CurrentFormat, snapshot.Format);
        Assert.Equal([10.0, 20, 30, 40], snapshot.Runs.Select(r => r.TotalSeconds));
        Assert.Equal(["wf-1", "wf-0", "wf-1", "wf-0"], snapshot.Runs.Select(r => r.WorkflowKey));
    }

    [Fact]
    public void Replacing_forgets_the_old_runs_and_remembers_exactly_the_snapshot_unless_its_format_is_another()
    {
        var loaded = new RunHistory();
        loaded.Add(new JobFacts(JobKind.Video, "wf-v", "gpu-2"), RunRecord.FromStageTotals(99, new Dictionary<Stage, TimeSpan>()));
        var source = new RunHistory();
        for (var i = 1; i <= 3; i++)
        {
            source.Add(new JobFacts(JobKind.Image, "wf-1", "gpu-1"), RunRecord.FromStageTotals(10 * i, new Dictionary<Stage, TimeSpan>()));
        }

        Assert.True(loaded.Replace(source.Export()));
        Assert.Equal(JsonSerializer.Serialize(source.Export()), JsonSerializer.Serialize(loaded.Export()));
        Assert.Equal(0, loaded.CountOf(new JobFacts(JobKind.Video, "wf-v", "gpu-2"), HistoryLevel.Kind));

        Assert.False(loaded.Replace(new RunHistorySnapshot(RunHistorySnapshot.CurrentFormat + 1, [])));
        Assert.Equal(3, loaded.Export().Runs.Count);
    }

    [Fact]
    public void A_snapshot_of_another_format_is_not_loaded()
    {
        var history = new RunHistory();

        Assert.False(history.Import(new RunHistorySnapshot(RunHistorySnapshot.CurrentFormat + 1, [])));
        Assert.Empty(history.Export().Runs);
    }

    [Fact]
    public void A_model_loaded_from_a_snapshot_gives_a_new_job_the_estimates_the_old_model_gives()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var before = new StageAwareEtaModel();
        for (var i = 0; i < 8; i++)
        {
            JobDriver.Record(before, time, JobDriver.Image, JobDriver.Profile(gpuSlowness: 0.9 + 0.03 * i, loading: 1.1 - 0.02 * i));
        }

        var restored = new RunHistory();
        restored.Import(JsonSerializer.Deserialize<RunHistorySnapshot>(JsonSerializer.Serialize(before.History.Export()))!);
        var after = new StageAwareEtaModel(restored);

        var profile = JobDriver.Profile(gpuSlowness: 1.2);
        var continuous = new JobDriver(before, time, JobDriver.Image with { });
        var fromSnapshot = new JobDriver(after, new FakeTimeProvider(time.GetUtcNow()), JobDriver.Image with { });
        var compared = 0;
        foreach (var leg in profile)
        {
            continuous.Run(leg);
            fromSnapshot.Run(leg);
            Assert.NotNull(continuous.Estimate().EtaSeconds);
            Assert.Equal(continuous.Estimate(), fromSnapshot.Estimate());
            compared++;
        }

        Assert.Equal(profile.Length, compared);
        Assert.Equal(before.ExpectedRunSeconds(JobDriver.Image), after.ExpectedRunSeconds(JobDriver.Image));
    }

    private static RunHistory RandomHistory(Random random)
    {
        var history = new RunHistory(runsPerKey: 1 + random.Next(6));
        for (var run = random.Next(12); run > 0; run--)
        {
            var facts = new JobFacts(Kinds[random.Next(2)], random.Next(3) == 0 ? null : $"wf-{random.Next(3)}", random.Next(3) == 0 ? null : $"gpu-{random.Next(2)}");
            history.Add(facts, RandomRun(random));
        }

        return history;
    }

    private static RunRecord RandomRun(Random random)
    {
        var total = 1 + 300 * random.NextDouble();
        var segments = new List<RunSegment>();
        var at = 0.0;
        var percent = 0.0;
        foreach (var stage in RunRecord.RunStages.Where(_ => random.Next(4) > 0))
        {
            var end = Math.Min(total, at + total * random.NextDouble() / 3);
            var to = Math.Min(100, percent + 40 * random.NextDouble());
            var curve = random.Next(3) == 0 ? null : new SegmentCurve(Enumerable.Range(1, random.Next(5)).Select(k => (k * (end - at) / 5, k * (to - percent) / 5)).ToArray());
            segments.Add(random.Next(4) == 0
                ? new RunSegment(stage, at, end, double.NaN, double.NaN)
                : new RunSegment(stage, at, end, percent, to, curve));
            (at, percent) = (end, to);
        }

        double? Maybe() => random.Next(4) == 0 ? null : 500 * random.NextDouble();
        var samples = Enumerable.Range(0, random.Next(6))
            .Select(k => new RunSample(k * total / 6, new CandidateEtas(Maybe(), Maybe(), Maybe()), Maybe(), Maybe(), 100 * random.NextDouble(), random.Next(2) * 5.0, random.NextDouble()))
            .ToArray();
        DateTimeOffset? finished = random.Next(2) == 0 ? null : new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(100000));
        return new RunRecord(segments, total, samples, finished, (HistoryLevel)random.Next(5));
    }
}
