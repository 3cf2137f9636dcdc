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

    /// <summary>Puts the job at the front of the fleet queue.</summary>
    public bool Front { get; set; }

    /// <summary>Fleet queue priority, higher first (default 0; from -1000 to 1000 by default).</summary>
    public int? Priority { get; set; }

    /// <summary>What the instance must offer; a job no instance can ever take is refused with 422.</summary>
    public SubmitJobNeeds? Needs { get; set; }
}

/// <summary>The <c>needs</c> of <c>POST /api/jobs</c>: every one must hold on the instance the job runs on.</summary>
public sealed class SubmitJobNeeds
{
    /// <summary>GPU memory in GB (total of the instance's largest GPU).</summary>
    public double? VramGb { get; set; }

    /// <summary>Labels an operator set on the instance (<c>PATCH /api/instances/{name}</c>).</summary>
    public IReadOnlyList<string>? Labels { get; set; }

    /// <summary>Model files the instance's <c>/object_info</c> lists.</summary>
    public IReadOnlyList<string>? Models { get; set; }
}
