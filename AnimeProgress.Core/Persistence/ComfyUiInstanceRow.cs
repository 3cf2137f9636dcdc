namespace AnimeProgress.Core.Persistence;

/// <summary>
/// A row of <c>comfyui_instances</c>: the newest known state of one ComfyUI machine, so every web node
/// can show the same reachability, queue and GPU memory.
/// </summary>
public sealed class ComfyUiInstanceRow
{
    public const string Table = "comfyui_instances";

    /// <summary>The instance's configured name (primary key).</summary>
    public string Name { get; set; } = "";

    /// <summary>The instance's state as JSON.</summary>
    public string Status { get; set; } = "{}";

    public DateTimeOffset UpdatedAt { get; set; }
}
