namespace AnimeProgress.Core.Jobs;

/// <summary>Which earlier runs a job's ETA compares it with, most alike first.</summary>
public enum EtaRunsAlike
{
    None,
    WorkflowOnMachine,
    Workflow,
    KindOnMachine,
    Kind,
}
