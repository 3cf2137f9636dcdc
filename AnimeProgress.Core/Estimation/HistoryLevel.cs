namespace AnimeProgress.Core.Estimation;

/// <summary>How closely the runs a prior comes from resemble the job, most alike first.</summary>
public enum HistoryLevel
{
    None,
    WorkflowOnInstance,
    Workflow,
    KindOnInstance,
    Kind,
}
