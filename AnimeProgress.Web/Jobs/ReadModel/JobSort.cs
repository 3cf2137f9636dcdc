namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>Orders of stored jobs, all on indexed or cheap columns; ties are broken so paging is stable.</summary>
public enum JobSort
{
    /// <summary>By finish time (the history page's default).</summary>
    Finished,
    Created,
    Title,
    Status,
    Instance,

    /// <summary>By id: ids grow with time, so this is the order jobs were made in.</summary>
    Id,
}
