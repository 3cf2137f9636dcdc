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
    /// <summary>Each index's name and its columns, in order; the migration creates exactly these.</summary>
    public static IReadOnlyList<(string Name, string[] Columns)> All { get; } =
    [
        ("ix_production_jobs_finished", ["completed_at", "id"]),
        ("ix_production_jobs_status_finished", ["status", "completed_at", "id"]),
        ("ix_production_jobs_instance_finished", ["comfyui_instance", "completed_at", "id"]),
        ("ix_production_jobs_kind_finished", ["kind", "completed_at", "id"]),
        ("ix_production_jobs_submitted_by_finished", ["submitted_by", "completed_at", "id"]),
        ("ix_production_jobs_workflow_key_finished", ["workflow_key", "completed_at", "id"]),
    ];

    public static void Configure(EntityTypeBuilder<ProductionJobRow> job)
    {
        job.HasIndex(j => new { j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_finished");
        job.HasIndex(j => new { j.Status, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_status_finished");
        job.HasIndex(j => new { j.ComfyUiInstance, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_instance_finished");
        job.HasIndex(j => new { j.Kind, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_kind_finished");
        job.HasIndex(j => new { j.SubmittedBy, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_submitted_by_finished");
        job.HasIndex(j => new { j.WorkflowKey, j.CompletedAt, j.Id }).HasDatabaseName("ix_production_jobs_workflow_key_finished");
    }
}
