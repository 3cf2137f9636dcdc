using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>What a job the tracker starts to follow looks like: queued, version 1, its graph parsed; whoever submitted it.</summary>
internal sealed record QueuedJob(long Id, string Title, JobKind Kind, string? Instance, string? PromptId, WorkflowGraph Graph, string? WorkflowKey)
{
    public JobSource Source { get; init; } = JobSource.AnimeProgress;

    public int? FramesTotal { get; init; }

    public int? FramesDone { get; init; }

    public string? SubmittedBy { get; init; }

    /// <summary>When ComfyUI was known to hold the prompt (a discovered prompt: when its queue was read).</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    public TrackedJob Track(DateTimeOffset now) => new(
        new JobSnapshot
        {
            Id = Id,
            WorkflowKey = WorkflowKey,
            Title = Title,
            Kind = Kind,
            Status = JobStatus.Queued,
            Stage = Stage.Queued,
            Source = Source,
            FramesTotal = FramesTotal,
            FramesDone = FramesDone,
            CreatedAt = now,
            UpdatedAt = now,
            Instance = Instance,
            PromptId = PromptId,
            Version = 1,
            SubmittedBy = SubmittedBy,
        },
        Graph)
    {
        Facts = new JobFacts(Kind, WorkflowKey, Instance),
        AcceptedAt = AcceptedAt,
        LastSignAt = now,
    };
}
