using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;

namespace AnimeProgress.Tests.Core.Queue;

/// <summary>What wakes the dispatcher between polls: one of our pending prompts leaving the pending state.</summary>
public sealed class PendingPromptStartsTests
{
    private static JobSnapshot Job(long id, JobStatus status, string? instance = "gpu", string? prompt = "p", JobSource source = JobSource.AnimeProgress) =>
        new() { Id = id, Title = "j", Version = 1, Status = status, Instance = instance, PromptId = prompt, Source = source };

    private static HubBatch Batch(params JobSnapshot[] jobs) => new(jobs, []);

    [Fact]
    public void A_pending_prompt_that_starts_or_ends_frees_its_instance()
    {
        var starts = new PendingPromptStarts();
        Assert.False(starts.Observe(Batch(Job(1, JobStatus.Queued), Job(2, JobStatus.Queued, instance: "gpu-2"))));
        Assert.False(starts.Observe(Batch(Job(1, JobStatus.Queued))));
        Assert.True(starts.Observe(Batch(Job(1, JobStatus.Running))));
        // Once: later updates of the running job wake nothing.
        Assert.False(starts.Observe(Batch(Job(1, JobStatus.Running))));
        Assert.True(starts.Observe(Batch(Job(2, JobStatus.Cancelled))));
    }

    [Fact]
    public void Jobs_waiting_in_the_fleet_queue_and_other_programs_prompts_wake_nothing()
    {
        var starts = new PendingPromptStarts();
        Assert.False(starts.Observe(Batch(Job(1, JobStatus.Queued, instance: null, prompt: null), Job(2, JobStatus.Queued, source: JobSource.External))));
        Assert.False(starts.Observe(Batch(Job(1, JobStatus.Running), Job(2, JobStatus.Running, source: JobSource.External))));
    }

    [Fact]
    public void A_pending_job_removed_from_the_hub_frees_its_instance_once()
    {
        var starts = new PendingPromptStarts();
        starts.Observe(Batch(Job(1, JobStatus.Queued)));
        Assert.True(starts.Observe(new HubBatch([], []) { Removed = [1] }));
        Assert.False(starts.Observe(new HubBatch([], []) { Removed = [1] }));
    }
}
