using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Core.Queue;

/// <summary>What one instance offers the dispatcher right now: reachable, drained, its labels, GPU memory, node types and models, its load.</summary>
public sealed record InstanceCapability(string Name)
{
    public bool Online { get; init; }

    public bool Draining { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Total memory of its largest GPU in GB; null until <c>/system_stats</c> was read.</summary>
    public double? VramGb { get; init; }

    /// <summary>Node types and models from <c>/object_info</c>; null until read.</summary>
    public NodeCatalog? Catalog { get; init; }

    /// <summary>Prompts running or pending there, from anyone (ComfyUI's own count).</summary>
    public int QueueRemaining { get; init; }
}
