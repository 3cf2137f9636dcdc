namespace AnimeProgress.Core.Estimation;

/// <summary>
/// The estimates of the remaining run time the engine weighs against each other. None is right
/// for every workflow: which one is, the engine learns from how each did on the workflow's
/// finished runs (<see cref="CandidateScorecard"/>).
/// </summary>
public enum EtaCandidate
{
    /// <summary>Compares the job's stage visits and progress curve with each finished run of history.</summary>
    StageAware,

    /// <summary>The seed's estimate: elapsed × (100 − p) / p. Right when percent grows with time.</summary>
    Linear,

    /// <summary>The job's own pace, recent speed blended with its average, pauses left out.</summary>
    OwnPace,
}
