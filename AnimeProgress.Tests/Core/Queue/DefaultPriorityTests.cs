using System.Text.Json.Nodes;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Queue;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Queue;

/// <summary>The default priority of a job submitted without one (issue 16 item 3), and its settings' start-up checks.</summary>
public sealed class DefaultPriorityTests
{
    private static readonly JsonObject Short = Graphs.Txt2Img(20);
    private static readonly JsonObject Long = Graphs.Txt2Img(40);

    private static QueueOptions Options(Dictionary<string, int>? workflows = null, Dictionary<string, int>? submitters = null) => new()
    {
        WorkflowPriorities = new(workflows ?? [], StringComparer.OrdinalIgnoreCase),
        SubmitterPriorities = new(submitters ?? [], StringComparer.OrdinalIgnoreCase),
    };

    [Fact]
    public void The_workflows_default_wins_over_the_submitters_and_none_configured_is_zero()
    {
        var longKey = WorkflowKey.Compute(Long)!;
        var options = Options(new() { [longKey[..8].ToUpperInvariant()] = 20 }, new() { ["olga"] = 5 });

        Assert.Equal(20, DefaultPriority.For(options, Long, "olga"));
        Assert.Equal(5, DefaultPriority.For(options, Short, "OLGA"));
        Assert.Equal(0, DefaultPriority.For(options, Short, "sam"));
        Assert.Equal(0, DefaultPriority.For(options, Short, null));
        Assert.Equal(20, DefaultPriority.For(options, Long, null));
    }

    [Fact]
    public void The_longest_configured_prefix_of_the_workflows_key_wins()
    {
        var key = WorkflowKey.Compute(Long)!;
        var options = Options(new() { [key[..8]] = 20, [key] = -3 });

        Assert.Equal(-3, DefaultPriority.For(options, Long, null));
    }

    [Fact]
    public void Defaults_out_of_range_or_naming_no_workflow_key_are_refused_at_start_with_their_key()
    {
        var options = Options(new() { ["hero-shot"] = 1, ["abcdef12"] = 5000 }, new() { ["olga"] = -1001 });

        var result = new QueueOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
        [
            "AnimeProgress:Queue:WorkflowPriorities:hero-shot must name a workflow by its key as the history shows it: 8 to 16 hex characters.",
            "AnimeProgress:Queue:WorkflowPriorities:abcdef12 must be a priority from -1000 to 1000 (got 5000).",
            "AnimeProgress:Queue:SubmitterPriorities:olga must be a priority from -1000 to 1000 (got -1001).",
        ], result.Failures);
        Assert.True(new QueueOptionsValidator().Validate(null, Options(new() { ["abcdef12"] = 1000 }, new() { ["olga"] = -1000 })).Succeeded);
    }
}
