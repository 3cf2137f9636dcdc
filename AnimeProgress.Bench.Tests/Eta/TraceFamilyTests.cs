using AnimeProgress.Bench.Eta;
using AnimeProgress.Bench.Eta.Families;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Tests.Eta;

public sealed class TraceFamilyTests
{
    public static TheoryData<string> Names => new(TraceFamilies.All.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_family_writes_readable_traces_of_both_kinds_the_same_for_the_same_seed(string name)
    {
        var family = TraceFamilies.Find(name)!;

        var first = family.Generate(seed: 4, jobs: 60);
        var again = family.Generate(seed: 4, jobs: 60);
        var other = family.Generate(seed: 5, jobs: 60);
        var traces = first.Select(t => t.Read()).ToList();

        Assert.Equal(first.Select(t => t.Text), again.Select(t => t.Text));
        Assert.NotEqual(first.Select(t => t.Text), other.Select(t => t.Text));
        Assert.Contains(traces, t => t.Kind == JobKind.Image && t.Finish is not null);
        Assert.Contains(traces, t => t.Kind == JobKind.Video && t.Finish is not null);
        Assert.All(traces, t => Assert.NotNull(t.RunStart));
    }

    [Fact]
    public void Families_do_not_share_their_random_numbers()
    {
        var byTime = TraceFamilies.Find("by-time")!.Generate(seed: 1, jobs: 20).Select(t => t.Read()).ToList();
        var speed = TraceFamilies.Find("speed-changes")!.Generate(seed: 1, jobs: 20).Select(t => t.Read()).ToList();

        // Both draw from the same workflows, but not in the same order.
        Assert.NotEqual(byTime.Select(t => t.Workflow), speed.Select(t => t.Workflow));
    }

    [Fact]
    public void The_failure_family_fails_about_three_runs_in_ten_and_the_one_off_family_never_repeats_a_workflow()
    {
        var failures = TraceFamilies.Find("failures")!.Generate(seed: 2, jobs: 200).Select(t => t.Read()).ToList();
        var oneOff = TraceFamilies.Find("one-off")!.Generate(seed: 2, jobs: 50).Select(t => t.Read()).ToList();

        Assert.InRange(failures.Count(t => t.Failed), 40, 80);
        Assert.Equal(oneOff.Count, oneOff.Select(t => t.Workflow).Distinct().Count());
    }

    [Fact]
    public void In_the_by_time_family_percent_follows_time()
    {
        var traces = TraceFamilies.Find("by-time")!.Generate(seed: 3, jobs: 40).Select(t => t.Read()).Where(t => t.Finish is not null);

        foreach (var trace in traces)
        {
            var start = trace.RunStart!.Value;
            var run = trace.Finish!.Value - start;
            foreach (var point in trace.Points.Where(p => p.Status == TraceStatus.Running && p.Percent > 0))
            {
                // Within a few percent of the time share (step noise and the lumps of video frames).
                Assert.InRange(point.Percent!.Value / 100, (point.T - start) / run - 0.15, (point.T - start) / run + 0.15);
            }
        }
    }

    [Fact]
    public void A_restarted_model_loaded_from_the_snapshot_predicts_what_the_continuous_one_does()
    {
        var result = RestartReplay.Run(TraceFamilies.Find("node-weights")!, seed: 9, jobs: 40, TestContext.Current.CancellationToken);

        Assert.Equal((20, 20), (result.FirstHalf, result.SecondHalf));
        Assert.True(result.SnapshotRuns > 10, $"{result.SnapshotRuns} runs in the snapshot");
        Assert.True(result.Predictions > 50, $"{result.Predictions} predictions compared");
        Assert.Equal(0, result.DifferentPredictions);
        Assert.Equal(0, result.LargestDifferenceSeconds);
    }
}
