namespace AnimeProgress.Core.Persistence.Queue;

/// <summary>
/// A row of <c>fleet_instances</c> (issue 16): what operators set on a ComfyUI instance, shared by every node — its
/// labels (<c>video</c>, <c>4090</c>) and whether it is drained (finishes what it has, takes nothing new).
/// </summary>
public sealed class FleetInstanceRow
{
    public const string Table = "fleet_instances";

    public string Name { get; set; } = "";

    /// <summary>Comma-separated, lower case, sorted; empty for none.</summary>
    public string Labels { get; set; } = "";

    public bool Draining { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
