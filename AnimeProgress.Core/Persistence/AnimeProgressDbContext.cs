using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// The studio's job table (column names follow the seed's <c>production_jobs</c>), the app's own tables (progress
/// history, instance states, the ETA engine's finished runs) and the app's accounts: ASP.NET Core
/// Identity's own tables (<c>AspNetUsers</c>, <c>AspNetRoles</c>, …) in the same database, so one connection string,
/// one backup and one migration path cover both (issue 14), and the Data Protection keys that sign-ins are encrypted with.
/// </summary>
public sealed class AnimeProgressDbContext(DbContextOptions<AnimeProgressDbContext> options)
    : IdentityDbContext<IdentityUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<ProductionJobRow> ProductionJobs => Set<ProductionJobRow>();

    // progress_history (issue 6, the API's history): begin
    public DbSet<History.ProgressHistoryRow> ProgressHistory => Set<History.ProgressHistoryRow>();
    // progress_history: end

    /// <summary>The state of each ComfyUI machine, shared between web nodes (issue 4).</summary>
    public DbSet<ComfyUiInstanceRow> ComfyUiInstances => Set<ComfyUiInstanceRow>();

    /// <summary>API keys of accounts and service accounts (issue 14): hashes only, never a secret.</summary>
    public DbSet<Keys.ApiKeyRow> ApiKeys => Set<Keys.ApiKeyRow>();

    /// <summary>The audit log (issue 14): append-only; rows leave only by the retention period an Admin sets.</summary>
    public DbSet<Audit.AuditEntryRow> AuditLog => Set<Audit.AuditEntryRow>();

    /// <summary>Settings an Admin changes at run time (the audit log's retention).</summary>
    public DbSet<Audit.AppSettingRow> AppSettings => Set<Audit.AppSettingRow>();

    /// <summary>
    /// ASP.NET Core Data Protection's key ring (issue 14): what encrypts sign-in cookies and antiforgery tokens, shared
    /// by every node on this database and kept across restarts. EF's default mapping (table <c>DataProtectionKeys</c>).
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The finished runs the ETA engine learns from, kept across restarts and shared by the nodes (issue 20).</summary>
    public DbSet<Eta.EtaRunRow> EtaRuns => Set<Eta.EtaRunRow>();

    // Notifications (issue 18): begin
    public DbSet<Notifications.NotificationEventRow> NotificationEvents => Set<Notifications.NotificationEventRow>();

    /// <summary>The outbox: one row per (event, channel), written with the event, delivered by the leader's sender.</summary>
    public DbSet<Notifications.NotificationDeliveryRow> NotificationDeliveries => Set<Notifications.NotificationDeliveryRow>();

    public DbSet<Notifications.NotificationAttemptRow> NotificationAttempts => Set<Notifications.NotificationAttemptRow>();

    public DbSet<Notifications.NotificationConditionRow> NotificationConditions => Set<Notifications.NotificationConditionRow>();

    public DbSet<Notifications.NotificationChannelRow> NotificationChannels => Set<Notifications.NotificationChannelRow>();

    public DbSet<Notifications.NotificationRuleRow> NotificationRules => Set<Notifications.NotificationRuleRow>();
    // Notifications: end
    /// <summary>The fleet queue (issue 16): jobs submitted through AnimeProgress, waiting or sent, with the prompt id chosen before sending.</summary>
    public DbSet<Queue.FleetQueueRow> FleetQueue => Set<Queue.FleetQueueRow>();

    /// <summary>What operators set on each ComfyUI instance (issue 16): labels and drain.</summary>
    public DbSet<Queue.FleetInstanceRow> FleetInstances => Set<Queue.FleetInstanceRow>();

    // PostgreSQL schema (issue 4): begin
    /// <summary>
    /// The PostgreSQL schema of every table, or null on SQLite (no schemas). It travels in the options as
    /// the migrations-history schema (set by <c>PostgresModel.UseSchema</c>), so the model and
    /// the history table always agree; the model cache is keyed by it.
    /// </summary>
    public string? Schema { get; } = Microsoft.EntityFrameworkCore.Infrastructure.RelationalOptionsExtension.Extract(options).MigrationsHistoryTableSchema;
    // PostgreSQL schema: end

    /// <summary>Every text value is fitted to its column first (<see cref="Columns.ColumnFitting"/>): a value PostgreSQL refuses never fails a batch.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        Columns.ColumnFitting.Apply(ChangeTracker);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <inheritdoc cref="SaveChanges(bool)"/>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        Columns.ColumnFitting.Apply(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Pinned, not read from the app's <c>IdentityOptions</c> (the base class's default): the model must be the same in
    /// the dashboard, the CLI and the migrations tool, which has no app services. Version 2 is the classic account
    /// tables; passkeys (version 3) would add a table nothing uses yet.
    /// </summary>
    protected override Version SchemaVersion => IdentitySchemaVersions.Version2;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity's tables (accounts, roles, their claims, logins and tokens), configured by the framework.
        base.OnModelCreating(builder);

        // PostgreSQL schema (issue 4): begin
        if (!string.IsNullOrEmpty(Schema) && !Database.IsSqlite())
        {
            builder.HasDefaultSchema(Schema);
        }
        // PostgreSQL schema: end

        var job = builder.Entity<ProductionJobRow>();
        job.ToTable("production_jobs");
        job.HasKey(j => j.Id);
        job.Property(j => j.Id).HasColumnName("id").ValueGeneratedNever();
        job.Property(j => j.Title).HasColumnName("title").HasMaxLength(500);
        job.Property(j => j.Kind).HasColumnName("kind").HasMaxLength(16);
        job.Property(j => j.Workflow).HasColumnName("workflow");
        job.Property(j => j.WorkflowKey).HasColumnName("workflow_key").HasMaxLength(32);
        job.Property(j => j.Status).HasColumnName("status").HasMaxLength(32);
        job.Property(j => j.CurrentStage).HasColumnName("current_stage").HasMaxLength(32);
        job.Property(j => j.Progress).HasColumnName("progress");
        job.Property(j => j.FramesComplete).HasColumnName("frames_complete");
        job.Property(j => j.EstimatedTotalFrames).HasColumnName("estimated_total_frames");
        job.Property(j => j.FramesEstimated).HasColumnName("frames_estimated");
        job.Property(j => j.EtaSeconds).HasColumnName("eta_seconds");
        job.Property(j => j.ProgressRate).HasColumnName("progress_rate");
        job.Property(j => j.ComfyUiJobId).HasColumnName("comfyui_job_id").HasMaxLength(64);
        job.Property(j => j.ComfyUiInstance).HasColumnName("comfyui_instance").HasMaxLength(128);
        // Column type stays text; the length is the storage backstop ColumnFitting applies (a 1 MB error is never stored).
        job.Property(j => j.Error).HasColumnName("error").HasColumnType("text").HasMaxLength(ProductionJobRow.ErrorMaxLength);
        job.Property(j => j.CreatedAt).HasColumnName("created_at");
        job.Property(j => j.StartedAt).HasColumnName("started_at");
        job.Property(j => j.UpdatedAt).HasColumnName("updated_at");
        job.Property(j => j.CompletedAt).HasColumnName("completed_at");
        job.Property(j => j.Source).HasColumnName("source").HasMaxLength(16);
        job.Property(j => j.EtaLowSeconds).HasColumnName("eta_low_seconds");
        job.Property(j => j.EtaHighSeconds).HasColumnName("eta_high_seconds");
        job.Property(j => j.RateTrend).HasColumnName("rate_trend").HasMaxLength(16);
        job.Property(j => j.Stalled).HasColumnName("stalled");
        job.Property(j => j.QueuePosition).HasColumnName("queue_position");
        job.Property(j => j.EtaBasis).HasColumnName("eta_basis").HasMaxLength(ProductionJobRow.EtaBasisMaxLength);
        job.Property(j => j.CurrentNode).HasColumnName("current_node").HasMaxLength(ProductionJobRow.CurrentNodeMaxLength);
        // DEFAULT 0 in the table (rows other programs insert read as version 1), but the app always sends its own value.
        job.Property(j => j.Version).HasColumnName("version").HasDefaultValue(0L).ValueGeneratedNever();
        // Nullable, no default: other programs' inserts leave it null, which means "not submitted through AnimeProgress".
        job.Property(j => j.SubmittedBy).HasColumnName("submitted_by").HasMaxLength(ProductionJobRow.SubmittedByMaxLength);

        var instance = builder.Entity<ComfyUiInstanceRow>();
        instance.ToTable(ComfyUiInstanceRow.Table);
        instance.HasKey(i => i.Name);
        instance.Property(i => i.Name).HasColumnName("name");
        instance.Property(i => i.Status).HasColumnName("status");
        instance.Property(i => i.UpdatedAt).HasColumnName("updated_at");

        if (Database.IsSqlite())
        {
            // SQLite has no timestamp type; stored as sortable integers so range queries and ORDER BY work.
            foreach (var property in job.Metadata.GetProperties().Concat(instance.Metadata.GetProperties())
                .Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            {
                property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }

        job.HasIndex(j => j.Status).HasDatabaseName("ix_production_jobs_status");
        job.HasIndex(j => j.CompletedAt).HasDatabaseName("ix_production_jobs_completed_at");
        job.HasIndex(j => j.ComfyUiJobId).HasDatabaseName("ix_production_jobs_comfyui_job_id");
        job.HasIndex(j => j.WorkflowKey).HasDatabaseName("ix_production_jobs_workflow_key");
        // Catch-up after a lost LISTEN connection: WHERE updated_at > @since.
        job.HasIndex(j => j.UpdatedAt).HasDatabaseName("ix_production_jobs_updated_at");
        // History at scale (issue 15 item 5): begin
        JobListIndexes.Configure(job);
        // History at scale: end

        // progress_history (issue 6): begin. Columns job_id, recorded_at, progress, stage, rate; index (job_id, recorded_at).
        History.ProgressHistoryMapping.Configure(builder, Database.IsSqlite());
        // progress_history: end

        Keys.ApiKeyMapping.Configure(builder, Database.IsSqlite());

        // eta_runs (issue 20): columns id, kind, workflow_key, instance, finished_at, run_seconds, format, run.
        Eta.EtaRunMapping.Configure(builder, Database.IsSqlite());

        Audit.AuditMapping.Configure(builder, Database.IsSqlite());

        // Notifications (issue 18): events, the delivery outbox and its attempts, open conditions, channels and rules.
        Notifications.NotificationMapping.Configure(builder, Database.IsSqlite());
        Queue.FleetQueueMapping.Configure(builder, Database.IsSqlite());
    }
}
