using AnimeProgress.Core.Estimation;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Estimation;

public sealed class WorkflowKeyTests
{
    [Fact]
    public void Re_runs_of_a_pipeline_with_other_prompts_and_seeds_share_a_key()
    {
        var a = Graphs.Txt2Img(steps: 20);
        var b = Graphs.Txt2Img(steps: 20);
        b["6"]!["inputs"]!["text"] = "a different prompt";
        b["3"]!["inputs"]!["seed"] = 987654;

        Assert.Equal(WorkflowKey.Compute(a), WorkflowKey.Compute(b));
    }

    [Fact]
    public void Another_structure_or_step_count_gets_another_key()
    {
        var baseline = WorkflowKey.Compute(Graphs.Txt2Img(steps: 20));

        Assert.NotEqual(baseline, WorkflowKey.Compute(Graphs.Txt2Img(steps: 40)));
        Assert.NotEqual(baseline, WorkflowKey.Compute(Graphs.Txt2Img(steps: 20, latentClass: "EmptyHunyuanLatentVideo", frames: 48)));
        Assert.Null(WorkflowKey.Compute(null));
    }
}
