using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Execution;

namespace AnimeProgress.ComfyUiEmulator.Simulation;

/// <summary>How progress values are numbered, because ComfyUI's nodes differ.</summary>
internal enum ProgressStyle
{
    /// <summary>Samplers and tiled nodes: value 1…max.</summary>
    OneBased,

    /// <summary>SaveImageWebsocket: value 0…max−1, never max.</summary>
    ZeroBased,
}

internal enum PreviewFormat
{
    None,
    Jpeg,
    Png,
}

/// <summary>The simulated work of one node run: its duration, progress, result and footprint.</summary>
internal sealed record NodeWork
{
    /// <summary>Seconds at TimeScale 1, before jitter.</summary>
    public required double Seconds { get; init; }

    /// <summary>Number of progress updates; 0 for nodes without a ProgressBar.</summary>
    public int ProgressSteps { get; init; }

    public ProgressStyle Style { get; init; } = ProgressStyle.OneBased;

    /// <summary>Binary preview sent with each progress update.</summary>
    public PreviewFormat Preview { get; init; } = PreviewFormat.None;

    /// <summary>Shape of every output slot.</summary>
    public MediaShape Output { get; init; } = MediaShape.Default;

    /// <summary>VRAM held by a model this node loads, until the job ends.</summary>
    public long ModelBytes { get; init; }

    /// <summary>VRAM used only while this node runs (activations, decode buffers).</summary>
    public long WorkingBytes { get; init; }

    /// <summary>The UI dict of output nodes, built when the node finishes (so file counters advance only then).</summary>
    public Func<OutputFiles, JsonObject>? Ui { get; init; }
}
