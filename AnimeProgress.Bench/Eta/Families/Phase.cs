using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// One node of a simulated run. <paramref name="Seconds"/> is its work on the reference GPU (a
/// loader's on the disk); <paramref name="Weight"/> its share of the graph's percent, by the
/// family's rule (node weights as <c>GraphProgress</c> counts them, or the node's time);
/// <paramref name="Updates"/> how many progress messages it sends while it runs (0: none, it
/// only finishes). A <paramref name="Cached"/> node is skipped by ComfyUI and counted done at once.
/// </summary>
internal sealed record Phase(
    string Node,
    Stage Stage,
    double Weight,
    double Seconds,
    int Updates = 0,
    bool OnGpu = true,
    double FirstUpdateDelay = 0,
    bool Cached = false);
