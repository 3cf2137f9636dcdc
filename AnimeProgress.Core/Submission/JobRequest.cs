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
}
