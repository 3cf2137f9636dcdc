namespace AnimeProgress.Core.Persistence;

/// <summary>A row of <c>production_jobs</c>: the newest snapshot of one job, in the seed's column names.</summary>
public sealed class ProductionJobRow
{
    public const string Table = "production_jobs";

    /// <summary>Longest <see cref="CurrentNode"/> stored (varchar(128)); longer class types are cut.</summary>
    public const int CurrentNodeMaxLength = 128;

    /// <summary>
    /// Longest <see cref="Error"/> stored. The column is <c>text</c>; this is the storage backstop behind the
    /// configured cap at the boundary (<c>AnimeProgress:Limits:MaxErrorLength</c>, at most the same).
    /// </summary>
    public const int ErrorMaxLength = 100_000;

    /// <summary>Longest <see cref="SubmittedBy"/> stored (an account name is at most 256 in Identity's table).</summary>
    public const int SubmittedByMaxLength = 256;

    public long Id { get; set; }
    public string Title { get; set; } = "";
    public string Kind { get; set; } = "image";
    public string? Workflow { get; set; }

    /// <summary>Structural hash of the workflow, so history can average jobs of the same pipeline.</summary>
    public string? WorkflowKey { get; set; }
    public string Status { get; set; } = "queued";
    public string? CurrentStage { get; set; }
    public double Progress { get; set; }
    public int? FramesComplete { get; set; }
    public int? EstimatedTotalFrames { get; set; }
    public bool FramesEstimated { get; set; }
    public double? EtaSeconds { get; set; }
    public double? ProgressRate { get; set; }
    public string? ComfyUiJobId { get; set; }
    public string? ComfyUiInstance { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    // Live detail (issue 4): what another web node needs to render the job as the ingesting node does.

    /// <summary>How the job reached ComfyUI, as a wire word (animeprogress|broadcast|external|database); null = another program's row.</summary>
    public string? Source { get; set; }
    public double? EtaLowSeconds { get; set; }
    public double? EtaHighSeconds { get; set; }

    /// <summary>speeding_up|steady|slowing_down; null while unknown.</summary>
    public string? RateTrend { get; set; }
    public bool Stalled { get; set; }
    public int? QueuePosition { get; set; }

    /// <summary>
    /// What the ETA rests on (issue 20 item 6), so a follower's job page can say it too: "runs alike method", e.g.
    /// <c>12 workflow_on_machine stage_by_stage</c> (<see cref="EtaBasisWire"/>); null when there is none.
    /// </summary>
    public string? EtaBasis { get; set; }

    public const int EtaBasisMaxLength = 64;

    /// <summary>The class type of the node ComfyUI is executing.</summary>
    public string? CurrentNode { get; set; }

    /// <summary>
    /// The job's version as last published (issue 13): kept so that versions never go down across restarts and
    /// nodes. 0 in rows written before the column existed or by other programs.
    /// </summary>
    public long Version { get; set; }

    /// <summary>
    /// Who submitted the job through AnimeProgress (issue 14): an account's or service account's name, or
    /// <c>key:&lt;prefix&gt;</c>. Nullable with no default: rows other programs write, and rows from before the column, read null.
    /// </summary>
    public string? SubmittedBy { get; set; }
}
