using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence.Queue;

/// <summary>The <c>fleet_queue</c> and <c>fleet_instances</c> tables (issue 16): columns and the index the dispatcher reads by.</summary>
public static class FleetQueueMapping
{
    public static void Configure(ModelBuilder modelBuilder, bool sqlite)
    {
        var entry = modelBuilder.Entity<FleetQueueRow>();
        entry.ToTable(FleetQueueRow.Table);
        entry.HasKey(e => e.JobId);
        entry.Property(e => e.JobId).HasColumnName("job_id").ValueGeneratedNever();
        entry.Property(e => e.Title).HasColumnName("title").HasMaxLength(FleetQueueRow.TitleMaxLength);
        entry.Property(e => e.Kind).HasColumnName("kind").HasMaxLength(16);
        entry.Property(e => e.Workflow).HasColumnName("workflow").HasColumnType("text");
        entry.Property(e => e.ExtraData).HasColumnName("extra_data").HasColumnType("text");
        entry.Property(e => e.FramesTotal).HasColumnName("frames_total");
        entry.Property(e => e.PinnedInstance).HasColumnName("pinned_instance").HasMaxLength(FleetQueueRow.NameMaxLength);
        entry.Property(e => e.Priority).HasColumnName("priority");
        entry.Property(e => e.Position).HasColumnName("position");
        entry.Property(e => e.NeedsVramGb).HasColumnName("needs_vram_gb");
        entry.Property(e => e.NeedsLabels).HasColumnName("needs_labels").HasMaxLength(1000);
        entry.Property(e => e.NeedsModels).HasColumnName("needs_models").HasColumnType("text");
        entry.Property(e => e.SubmittedBy).HasColumnName("submitted_by").HasMaxLength(ProductionJobRow.SubmittedByMaxLength);
        entry.Property(e => e.SubmittedAt).HasColumnName("submitted_at");
        entry.Property(e => e.State).HasColumnName("state").HasMaxLength(16);
        entry.Property(e => e.Instance).HasColumnName("instance").HasMaxLength(FleetQueueRow.NameMaxLength);
        entry.Property(e => e.PromptId).HasColumnName("prompt_id").HasMaxLength(64);
        entry.Property(e => e.DispatchedAt).HasColumnName("dispatched_at");
        entry.Property(e => e.RetryOf).HasColumnName("retry_of");
        entry.Property(e => e.UpdatedAt).HasColumnName("updated_at");
        // The dispatcher reads the waiting jobs in order, and the dispatches to finish.
        entry.HasIndex(e => new { e.State, e.Position }).HasDatabaseName("ix_fleet_queue_state_position");

        var instance = modelBuilder.Entity<FleetInstanceRow>();
        instance.ToTable(FleetInstanceRow.Table);
        instance.HasKey(i => i.Name);
        instance.Property(i => i.Name).HasColumnName("name").HasMaxLength(FleetQueueRow.NameMaxLength);
        instance.Property(i => i.Labels).HasColumnName("labels").HasMaxLength(1000);
        instance.Property(i => i.Draining).HasColumnName("draining");
        instance.Property(i => i.UpdatedAt).HasColumnName("updated_at");
        instance.Property(i => i.UpdatedBy).HasColumnName("updated_by").HasMaxLength(ProductionJobRow.SubmittedByMaxLength);

        if (sqlite)
        {
            // Same encoding as production_jobs: SQLite has no timestamp type; integers sort and compare correctly.
            foreach (var property in entry.Metadata.GetProperties().Concat(instance.Metadata.GetProperties())
                .Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            {
                property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }
    }
}
