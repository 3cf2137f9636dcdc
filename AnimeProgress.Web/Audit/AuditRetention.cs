using System.Globalization;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Audit;

/// <summary>
/// How long audit entries are kept (an Admin sets it on /admin/audit; by default forever) and the one way entries ever
/// leave <c>audit_log</c>: <see cref="SweepAsync"/> deletes those older than the period. A change of the period is
/// recorded in the same transaction as the change, so it can never go unrecorded.
/// </summary>
public sealed partial class AuditRetention(
    IDbContextFactory<AnimeProgressDbContext> contexts, AuditLog log, TimeProvider time, ILogger<AuditRetention> logger)
{
    public const string SettingKey = "audit.retention_days";

    /// <summary>The longest period that can be set (100 years): beyond that, "keep forever" says it better.</summary>
    public const int MaxDays = 36_500;

    /// <summary>Days entries are kept; null keeps them forever (the default).</summary>
    public async Task<int?> GetDaysAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var value = await db.AppSettings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).SingleOrDefaultAsync(cancellationToken);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0 ? days : null;
    }

    /// <summary>Sets the period (null: keep forever) and records the change as <c>audit.retention</c> by <paramref name="actor"/>.</summary>
    public async Task SetDaysAsync(int? days, AuditActor actor, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (days is < 1 or > MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, $"Keep entries 1 to {MaxDays} days, or forever.");
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var setting = await db.AppSettings.SingleOrDefaultAsync(s => s.Key == SettingKey, cancellationToken);
        var before = setting?.Value is { Length: > 0 } v ? v + " days" : "forever";
        if (setting is null)
        {
            setting = new AppSettingRow { Key = SettingKey };
            db.AppSettings.Add(setting);
        }

        setting.Value = days?.ToString(CultureInfo.InvariantCulture) ?? "";
        setting.UpdatedAt = now;
        setting.UpdatedBy = actor.Name;
        var after = days is { } d ? $"{d} days" : "forever";
        db.AuditLog.Add(new AuditEntry(actor, AuditActions.AuditRetention, AuditOutcomes.Ok, "audit_log", $"keep {before} -> {after}", clientAddress).ToRow(now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChanged(actor.Name, before, after);
    }

    /// <summary>
    /// Deletes the entries older than the period (strictly before now minus it); nothing while it is "forever".
    /// A sweep that deleted anything is itself recorded, by the app.
    /// </summary>
    /// <returns>How many entries were deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (await GetDaysAsync(cancellationToken) is not { } days)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().AddDays(-days);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var deleted = await db.AuditLog.Where(e => e.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"deleted {deleted} entries older than {days} days (before {cutoff:yyyy-MM-dd HH:mm:ss}Z)");
            await log.WriteAsync(new AuditEntry(AuditActor.System, AuditActions.AuditRetention, AuditOutcomes.Ok, "audit_log", detail));
            LogSwept(deleted, days);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log retention changed by {ActorName}: {Before} -> {After}")]
    private partial void LogChanged(string? actorName, string before, string after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log retention deleted {Count} entries older than {Days} days")]
    private partial void LogSwept(int count, int days);
}
