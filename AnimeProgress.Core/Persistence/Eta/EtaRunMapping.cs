using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>The <c>eta_runs</c> table's columns and its (kind, workflow_key, instance, id) index, which the bounded load and the pruning read.</summary>
public static class EtaRunMapping
{
    public const string Table = "eta_runs";

    public static void Configure(ModelBuilder modelBuilder, bool sqlite)
    {
        var row = modelBuilder.Entity<EtaRunRow>();
        row.ToTable(Table);
        row.HasKey(r => r.Id);
        row.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        row.Property(r => r.Kind).HasColumnName("kind").HasMaxLength(EtaRunRow.KindMaxLength);
        row.Property(r => r.WorkflowKey).HasColumnName("workflow_key").HasMaxLength(EtaRunRow.WorkflowKeyMaxLength);
        row.Property(r => r.Instance).HasColumnName("instance").HasMaxLength(EtaRunRow.InstanceMaxLength);
        row.Property(r => r.FinishedAt).HasColumnName("finished_at");
        row.Property(r => r.RunSeconds).HasColumnName("run_seconds");
        row.Property(r => r.Format).HasColumnName("format");
        row.Property(r => r.Run).HasColumnName("run").HasColumnType("text");
        row.HasIndex(r => new { r.Kind, r.WorkflowKey, r.Instance, r.Id }).HasDatabaseName("ix_eta_runs_workflow");
        if (sqlite)
        {
            // Same encoding as the other tables: SQLite has no timestamp type.
            row.Property(r => r.FinishedAt).HasConversion(new DateTimeOffsetToBinaryConverter());
        }
    }
}
