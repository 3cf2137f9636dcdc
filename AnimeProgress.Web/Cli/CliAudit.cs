using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Audit;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// Audit entries of the <c>users</c> and <c>keys</c> commands, written straight to the database (a command has no
/// background writer, and ends right after): actor <c>cli</c>, named by the operating-system user who ran it.
/// </summary>
internal static class CliAudit
{
    public static async Task WriteAsync(IServiceProvider services, string action, string? target, string? detail, CancellationToken cancellationToken)
    {
        var time = services.GetRequiredService<TimeProvider>();
        await using var db = await services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(cancellationToken);
        await AddAsync(db, time, action, target, detail, cancellationToken);
    }

    /// <summary>In <paramref name="db"/>'s open transaction, so the change and its entry are stored together or not at all.</summary>
    public static async Task AddAsync(AnimeProgressDbContext db, TimeProvider time, string action, string? target, string? detail, CancellationToken cancellationToken)
    {
        db.AuditLog.Add(new AuditEntry(AuditActor.Cli(), action, AuditOutcomes.Ok, target, detail).ToRow(time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
    }
}
