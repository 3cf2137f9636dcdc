using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

public sealed class GraphProgressTests
{
    // Txt2Img(20): six plain nodes weigh 2 each (12) and the sampler 20 steps: 32 in all.
    private static GraphProgress Progress() => new(WorkflowGraph.Parse(Graphs.Txt2Img(steps: 20)));

    [Fact]
    public void Cached_nodes_count_as_done()
    {
        var progress = Progress();
        progress.MarkCached(["4", "6", "7"]);

        Assert.Equal(100.0 * 6 / 32, progress.Percent, 3);
    }

    [Fact]
    public void The_running_sampler_adds_its_step_fraction_weighted_by_steps()
    {
        var progress = Progress();
        progress.MarkCached(["4", "6", "7", "5"]);
        progress.Report("3", 10, 20);

        Assert.Equal(100.0 * (8 + 10) / 32, progress.Percent, 3);
    }

    [Fact]
    public void Percent_never_goes_backwards_when_a_node_reports_less()
    {
        var progress = Progress();
        progress.Report("3", 15, 20);
        var before = progress.Percent;
        progress.Report("3", 2, 20);

        Assert.Equal(before, progress.Percent);
    }

    [Fact]
    public void Percent_stays_below_100_until_the_prompt_completes()
    {
        var progress = Progress();
        foreach (var id in new[] { "3", "4", "5", "6", "7", "8", "9" })
        {
            progress.MarkFinished(id);
        }

        Assert.True(progress.Percent < 100);
        progress.Complete();
        Assert.Equal(100, progress.Percent);
    }

    [Fact]
    public void Nodes_no_output_depends_on_do_not_count()
    {
        var graph = Graphs.Txt2Img(steps: 20);
        graph["99"] = Graphs.Node("KSampler", new System.Text.Json.Nodes.JsonObject { ["steps"] = 100, ["model"] = Graphs.Link("4", 0) });
        var parsed = WorkflowGraph.Parse(graph, outputs: ["9"]);

        Assert.DoesNotContain("99", parsed.NodesToRun);
        Assert.Equal(7, parsed.NodesToRun.Count);
    }

    [Fact]
    public void Frame_count_comes_from_the_latent_video_node()
    {
        var parsed = WorkflowGraph.Parse(Graphs.Txt2Img(latentClass: "EmptyHunyuanLatentVideo", frames: 120));

        Assert.Equal(120, parsed.FrameCount);
    }
}
