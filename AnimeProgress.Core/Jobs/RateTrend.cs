namespace AnimeProgress.Core.Jobs;

/// <summary>Whether a running job's rate is rising, steady or falling; part of what a job shows, so it lives with the job.</summary>
public enum RateTrend
{
    Unknown,
    SpeedingUp,
    Steady,
    SlowingDown,
}
