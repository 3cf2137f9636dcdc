using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// The indexes behind the job lists at a million rows (issue 15 item 5): the history page orders by
/// (completed_at, id) and the REST list by id, each narrowed by one filter (instance, workflow, kind, submitter,
/// status, finish time). Each filter column leads an index that ends in (completed_at, id), so a filtered page is an
/// index range read newest first and a filtered count reads the index only. On SQLite the model is the DDL
/// (<see cref="JobTableUpgrade"/> adds what a file lacks); on PostgreSQL the <c>JobListIndexes</c> migration creates them.
/// </summary>
public static class JobListIndexes
{
    /// <summary>Each index's name and its PostgreSQL definition (columns, then included columns); the migration creates exactly these.</summary>
    public static IReadOnlyList<(string Name, string Definition)> All { get; } =
    [
        ("ix_production_jobs_finished", "(completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_status_finished", "(status, completed_at, id)"),
        ("ix_production_jobs_instance_finished", "(comfyui_instance, completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_kind_finished", "(kind, completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_submitted_by_finished", "(submitted_by, completed_at, id) INCLUDE (status)"),
        ("ix_production_jobs_workflow_key_finished", "(workflow_key, completed_at, id) INCLUDE (status)"),
    ];

    /// <summary>
    /// Every index carries <c>status</c> as an included column (PostgreSQL): the history page always filters on it
    /// (finished jobs only), and with it in the index a filtered count is an index-only scan instead of one heap
    /// visit per matching row (58,000 for one instance: 0.6 s, docs/benchmarks.md). SQLite ignores the inclusion.
    /// </summary>
    public static void Configure(EntityTypeBuilder<ProductionJobRow> job)
    {
        job.HasIndex(j => new { j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_finished").IncludeProperties(j => j.Status);
        job.HasIndex(j => new { j.Status, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_status_finished");
        job.HasIndex(j => new { j.ComfyUiInstance, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_instance_finished").IncludeProperties(j => j.Status);
        job.HasIndex(j => new { j.Kind, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_kind_finished").IncludeProperties(j => j.Status);
        job.HasIndex(j => new { j.SubmittedBy, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_submitted_by_finished").IncludeProperties(j => j.Status);
        job.HasIndex(j => new { j.WorkflowKey, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_workflow_key_finished").IncludeProperties(j => j.Status);
    }
}
