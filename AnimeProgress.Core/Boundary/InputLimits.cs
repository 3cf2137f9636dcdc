namespace AnimeProgress.Core.Boundary;

/// <summary>
/// How long a piece of text from outside (ComfyUI frames and bodies, rows other programs write, API requests) may be
/// once it is past the boundary. Longer text is cut where it enters (<see cref="BoundedText"/>), visibly, so nothing
/// downstream (the database's columns, every viewer's screen) ever sees more. The defaults fit the database columns.
/// </summary>
public sealed class InputLimits
{
    public const string Section = "AnimeProgress:Limits";

    /// <summary>A job's title (production_jobs.title is 500 characters).</summary>
    public int MaxTitleLength { get; set; } = 500;

    /// <summary>An error message shown on a card and stored with the job.</summary>
    public int MaxErrorLength { get; set; } = 2000;

    /// <summary>A node's class type or id, a workflow's name, an instance's name.</summary>
    public int MaxNameLength { get; set; } = 128;

    /// <summary>A ComfyUI prompt id (production_jobs.comfyui_job_id is 64 characters; ComfyUI's own are 36-character UUIDs).</summary>
    public int MaxPromptIdLength { get; set; } = 64;
}
