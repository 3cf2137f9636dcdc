using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>The engine's own terms (history level, leading candidate) in the words a job shows (<see cref="EtaBasis"/>).</summary>
internal static class EtaBasisOf
{
    public static EtaBasis Estimate(HistoryPrior prior, EtaCandidate? leading) =>
        new(prior.Runs.Count, Alike(prior.Level), leading is { } candidate ? Method(candidate) : EtaMethod.None);

    public static EtaBasis TypicalRun(HistoryPrior prior) =>
        prior.Runs.Count == 0 ? EtaBasis.Nothing : new(prior.Runs.Count, Alike(prior.Level), EtaMethod.TypicalRun);

    private static EtaRunsAlike Alike(HistoryLevel level) => level switch
    {
        HistoryLevel.WorkflowOnInstance => EtaRunsAlike.WorkflowOnMachine,
        HistoryLevel.Workflow => EtaRunsAlike.Workflow,
        HistoryLevel.KindOnInstance => EtaRunsAlike.KindOnMachine,
        HistoryLevel.Kind => EtaRunsAlike.Kind,
        _ => EtaRunsAlike.None,
    };

    private static EtaMethod Method(EtaCandidate candidate) => candidate switch
    {
        EtaCandidate.StageAware => EtaMethod.StageByStage,
        EtaCandidate.Linear => EtaMethod.ElapsedTime,
        _ => EtaMethod.CurrentSpeed,
    };
}
