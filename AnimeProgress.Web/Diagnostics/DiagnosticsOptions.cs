namespace AnimeProgress.Web.Diagnostics;

/// <summary>Bound from <c>AnimeProgress:Diagnostics</c>; off by default because load stats can force a full GC.</summary>
public sealed class DiagnosticsOptions
{
    public const string Section = "AnimeProgress:Diagnostics";

    /// <summary>Serves <c>/diagnostics/loadstats</c> and renders latency markers for the circuit-load tool.</summary>
    public bool LoadStats { get; set; }
}
