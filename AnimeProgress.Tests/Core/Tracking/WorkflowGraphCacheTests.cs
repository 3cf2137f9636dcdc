using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

public sealed class WorkflowGraphCacheTests
{
    [Fact]
    public void Copies_of_one_pipeline_with_other_seeds_and_prompts_share_one_parsed_graph()
    {
        var first = Graphs.Txt2Img(steps: 23);
        var second = Graphs.Txt2Img(steps: 23);
        second["3"]!["inputs"]!["seed"] = 987_654;
        second["6"]!["inputs"]!["text"] = "another prompt entirely";

        Assert.Same(WorkflowGraph.Parse(first), WorkflowGraph.Parse(second));
    }

    [Fact]
    public void Graphs_that_progress_would_treat_differently_are_not_shared()
    {
        var baseline = WorkflowGraph.Parse(Graphs.Txt2Img(steps: 24));

        Assert.NotSame(baseline, WorkflowGraph.Parse(Graphs.Txt2Img(steps: 25)));
        Assert.NotSame(baseline, WorkflowGraph.Parse(Graphs.Txt2Img(steps: 24, "EmptyHunyuanLatentVideo", frames: 49)));
        // Only the loader and what it feeds run when the output is the text encoder.
        var partial = WorkflowGraph.Parse(Graphs.Txt2Img(steps: 24), ["6"]);
        Assert.NotSame(baseline, partial);
        Assert.Equal(["4", "6"], partial.NodesToRun.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_shared_graph_gives_each_job_its_own_progress()
    {
        var graph = WorkflowGraph.Parse(Graphs.Txt2Img(steps: 26));
        var one = new GraphProgress(graph);
        var other = new GraphProgress(WorkflowGraph.Parse(Graphs.Txt2Img(steps: 26)));

        one.Report("3", 13, 26);

        Assert.True(one.Percent > 0);
        Assert.Equal(0, other.Percent);
    }
}
