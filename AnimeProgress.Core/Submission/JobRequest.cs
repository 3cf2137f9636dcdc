using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Submission;

/// <summary>A job to run: an API-format ComfyUI graph plus what the dashboard shows about it.</summary>
public sealed record JobRequest(string Title, JobKind Kind, JsonObject Workflow)
{
    /// <summary>Instance name; null picks the least loaded online instance.</summary>
    public string? Instance { get; init; }

    public int? FramesTotal { get; init; }

    /// <summary>Passed through as ComfyUI <c>extra_data</c> (the emulator reads failure instructions here).</summary>
    public JsonObject? ExtraData { get; init; }

    public bool Front { get; init; }

    /// <summary>Who asks (see <see cref="JobSnapshot.SubmittedBy"/>); null when nobody is named.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>Fleet queue order: higher first (issue 16); 0 by default.</summary>
    public int Priority { get; init; }

    /// <summary>What the instance must offer (GPU memory, labels, models); null for nothing.</summary>
    public Queue.JobNeeds? Needs { get; init; }

    /// <summary>The job this one retries (issue 16), for the chain the queue and history show.</summary>
    public long? RetryOf { get; init; }

    /// <summary>
    /// The prompt id every dispatch of this job uses (a canonical UUID the fleet relay's client chose, issue 17); null:
    /// the dispatcher makes one per dispatch.
    /// </summary>
    public string? PromptId { get; init; }
}
