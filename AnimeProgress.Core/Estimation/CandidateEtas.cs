namespace AnimeProgress.Core.Estimation;

/// <summary>Each candidate's remaining run time in seconds at one moment; null where a candidate has none.</summary>
public readonly record struct CandidateEtas(double? StageAware, double? Linear, double? OwnPace)
{
    public static IReadOnlyList<EtaCandidate> All { get; } = Enum.GetValues<EtaCandidate>();

    public double? this[EtaCandidate candidate] => candidate switch
    {
        EtaCandidate.StageAware => StageAware,
        EtaCandidate.Linear => Linear,
        EtaCandidate.OwnPace => OwnPace,
        _ => null,
    };

    public bool Any => StageAware is not null || Linear is not null || OwnPace is not null;
}
