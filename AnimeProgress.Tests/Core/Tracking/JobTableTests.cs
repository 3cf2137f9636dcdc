using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Tests.Core.Tracking;

public sealed class JobTableTests
{
    private static TrackedJob Job(long id, string? promptId, JobStatus status = JobStatus.Queued, string instance = "gpu-1") =>
        new(new JobSnapshot { Id = id, Title = "t", Status = status, Instance = instance, PromptId = promptId, Version = 1 }, WorkflowGraph.Empty);

    [Fact]
    public void Jobs_are_found_by_id_and_by_prompt_until_removed()
    {
        var table = new JobTable();
        table.Put(Job(7, "p7"));

        Assert.True(table.Contains(7));
        Assert.Equal(7, table.FindByPrompt("p7")!.Snapshot.Id);
        Assert.True(table.Remove(7, out _));
        Assert.Null(table.FindByPrompt("p7"));
        Assert.False(table.Contains(7));
    }

    [Fact]
    public void Active_jobs_of_an_instance_are_those_queued_or_running_with_a_prompt()
    {
        var table = new JobTable();
        table.Put(Job(1, "a"));
        table.Put(Job(2, "b", JobStatus.Running));
        table.Put(Job(3, "c", JobStatus.Completed));
        table.Put(Job(4, null));
        table.Put(Job(5, "e", instance: "gpu-2"));

        Assert.Equal([1L, 2L], table.ActiveOn("gpu-1").Select(j => j.Snapshot.Id).Order());
    }

    [Fact]
    public void Clearing_forgets_jobs_prompts_and_running_prompts()
    {
        var table = new JobTable();
        table.Put(Job(1, "a"));
        table.SetRunningPrompt("gpu-1", "a");

        table.Clear();

        Assert.Empty(table.Jobs);
        Assert.Null(table.FindByPrompt("a"));
        Assert.Null(table.RunningPrompt("gpu-1"));
    }
}
