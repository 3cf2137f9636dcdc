using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence.Audit;

/// <summary>The <c>audit_log</c> and <c>app_settings</c> tables: columns and the indexes the audit page filters and pages by.</summary>
public static class AuditMapping
{
    public static void Configure(ModelBuilder modelBuilder, bool sqlite)
    {
        var entry = modelBuilder.Entity<AuditEntryRow>();
        entry.ToTable(AuditEntryRow.Table);
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
        entry.Property(e => e.At).HasColumnName("at");
        entry.Property(e => e.ActorKind).HasColumnName("actor_kind").HasMaxLength(16);
        entry.Property(e => e.ActorId).HasColumnName("actor_id").HasMaxLength(450);
        entry.Property(e => e.ActorName).HasColumnName("actor_name").HasMaxLength(AuditEntryRow.NameMaxLength);
        entry.Property(e => e.KeyId).HasColumnName("key_id");
        entry.Property(e => e.KeyPrefix).HasColumnName("key_prefix").HasMaxLength(32);
        entry.Property(e => e.ClientAddress).HasColumnName("client_address").HasMaxLength(64);
        entry.Property(e => e.Action).HasColumnName("action").HasMaxLength(AuditEntryRow.ActionMaxLength);
        entry.Property(e => e.Target).HasColumnName("target").HasMaxLength(AuditEntryRow.TargetMaxLength);
        entry.Property(e => e.Outcome).HasColumnName("outcome").HasMaxLength(16);
        entry.Property(e => e.Detail).HasColumnName("detail").HasMaxLength(AuditEntryRow.DetailMaxLength);
        // Newest first and the retention sweep read by time; the page filters by action and actor.
        entry.HasIndex(e => e.At).HasDatabaseName("ix_audit_log_at");
        entry.HasIndex(e => e.Action).HasDatabaseName("ix_audit_log_action");
        entry.HasIndex(e => e.ActorName).HasDatabaseName("ix_audit_log_actor_name");

        var setting = modelBuilder.Entity<AppSettingRow>();
        setting.ToTable(AppSettingRow.Table);
        setting.HasKey(s => s.Key);
        setting.Property(s => s.Key).HasColumnName("key").HasMaxLength(64);
        setting.Property(s => s.Value).HasColumnName("value").HasMaxLength(1000);
        setting.Property(s => s.UpdatedAt).HasColumnName("updated_at");
        setting.Property(s => s.UpdatedBy).HasColumnName("updated_by").HasMaxLength(AuditEntryRow.NameMaxLength);

        if (sqlite)
        {
            // Same encoding as production_jobs: SQLite has no timestamp type; integers sort and compare correctly.
            entry.Property(e => e.At).HasConversion(new DateTimeOffsetToBinaryConverter());
            setting.Property(s => s.UpdatedAt).HasConversion(new DateTimeOffsetToBinaryConverter());
        }
    }
}
