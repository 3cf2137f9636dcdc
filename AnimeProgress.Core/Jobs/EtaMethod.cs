namespace AnimeProgress.Core.Jobs;

/// <summary>The way of estimating that weighs most in the ETA a job shows.</summary>
public enum EtaMethod
{
    /// <summary>No estimate yet.</summary>
    None,

    /// <summary>Where earlier runs were at the same stage and progress, and how long they took from there.</summary>
    StageByStage,

    /// <summary>Elapsed time scaled by the percent left: where percent keeps pace with time.</summary>
    ElapsedTime,

    /// <summary>The work left at the job's own recent speed.</summary>
    CurrentSpeed,

    /// <summary>How long earlier runs took in all (a queued job, or one that reports no steps).</summary>
    TypicalRun,
}
