using System.Text.Json.Nodes;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// Body of <c>POST /api/jobs</c> as the OpenAPI document shows it. The endpoint reads the body itself, capped and
/// field by field (<see cref="SubmissionParser"/>), so every refusal can say exactly what is wrong.
/// </summary>
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
