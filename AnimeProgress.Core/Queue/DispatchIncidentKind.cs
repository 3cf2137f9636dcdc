namespace AnimeProgress.Core.Queue;

public enum DispatchIncidentKind
{
    /// <summary>Pending on an instance offline for longer than the reclaim time: back in the fleet queue, to run elsewhere.</summary>
    Reclaimed,

    /// <summary>Pending on an instance that came back without it: waits in the fleet queue again.</summary>
    Returned,

    /// <summary>An instance that came back ran (or was running) a prompt taken back from it: the job did not run only once.</summary>
    RanTwice,
}
