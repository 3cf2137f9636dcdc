namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>
/// A row of <c>eta_runs</c>: one finished run the ETA engine learned from, written once when the run ends. The
/// columns say whose run it was (for a bounded load: the newest runs of each workflow); <see cref="Run"/> holds the
/// whole run as the engine keeps it (stage visits, progress curves, what each estimate said along the way).
/// </summary>
public sealed class EtaRunRow
{
    public const int KindMaxLength = 16;
    public const int WorkflowKeyMaxLength = 32;
    public const int InstanceMaxLength = 128;

    public long Id { get; set; }

    /// <summary>"image" or "video", as <c>production_jobs.kind</c> spells it.</summary>
    public string Kind { get; set; } = "image";

    public string? WorkflowKey { get; set; }

    public string? Instance { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public double RunSeconds { get; set; }

    /// <summary>The shape of <see cref="Run"/> (<c>RunHistorySnapshot.CurrentFormat</c>); rows of another format are not loaded.</summary>
    public int Format { get; set; }

    /// <summary>The run as JSON (a <c>RunSnapshot</c>).</summary>
    public string Run { get; set; } = "";
}
