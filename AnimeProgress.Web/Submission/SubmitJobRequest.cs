using System.Text.Json.Nodes;

namespace AnimeProgress.Web.Submission;

/// <summary>Body of <c>POST /api/jobs</c>.</summary>
public sealed class SubmitJobRequest
{
    public string? Title { get; set; }

    /// <summary><c>image</c> (default) or <c>video</c>.</summary>
    public string? Kind { get; set; }

    /// <summary>An API-format ComfyUI graph ("Save (API)" in ComfyUI).</summary>
    public JsonObject? Workflow { get; set; }

    /// <summary>Frames of a video job, when the graph does not say.</summary>
    public int? Frames { get; set; }

    /// <summary>Target instance; omitted picks the least loaded online one.</summary>
    public string? Instance { get; set; }

    public bool Front { get; set; }
}
