namespace AnimeProgress.Core.Queue;

/// <summary>Where the dispatcher records what it did to jobs on its own (<see cref="DispatchIncident"/>).</summary>
public interface IDispatchIncidents
{
    /// <summary>Records the incident; never throws for a store that is down (the structured log still has it).</summary>
    ValueTask RecordAsync(DispatchIncident incident);
}
