using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>The <c>progress_history</c> table's columns and its (job_id, recorded_at) index.</summary>
public static class ProgressHistoryMapping
{
    public const string Table = "progress_history";

    public static void Configure(ModelBuilder modelBuilder, bool sqlite)
    {
        var row = modelBuilder.Entity<ProgressHistoryRow>();
        row.ToTable(Table);
        row.HasKey(r => r.Id);
        row.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        row.Property(r => r.JobId).HasColumnName("job_id");
        row.Property(r => r.RecordedAt).HasColumnName("recorded_at");
        row.Property(r => r.Progress).HasColumnName("progress");
        row.Property(r => r.Stage).HasColumnName("stage").HasMaxLength(32);
        row.Property(r => r.Rate).HasColumnName("rate");
        row.HasIndex(r => new { r.JobId, r.RecordedAt }).HasDatabaseName("ix_progress_history_job_id_recorded_at");
        if (sqlite)
        {
            // Same encoding as production_jobs: SQLite has no timestamp type; integers sort and compare correctly.
            row.Property(r => r.RecordedAt).HasConversion(new DateTimeOffsetToBinaryConverter());
        }
    }
}
