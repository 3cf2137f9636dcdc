using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Audit;

/// <summary>One page of audit entries and how many matched.</summary>
public sealed record AuditListing(IReadOnlyList<AuditEntryRow> Entries, int Total);

/// <summary>
/// Reads <c>audit_log</c>, newest first, a page at a time in SQL. Reading only: the app has no way to change an entry
/// (the retention sweep in <see cref="AuditRetention"/> is the one way entries leave).
/// </summary>
public sealed class AuditQueries(IDbContextFactory<AnimeProgressDbContext> contexts)
{
    public async Task<AuditListing> ListAsync(AuditQuery query, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = Filtered(db.AuditLog.AsNoTracking(), query);
        var total = await rows.CountAsync(cancellationToken);
        var entries = await rows.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        return new AuditListing(entries, total);
    }

    private static IQueryable<AuditEntryRow> Filtered(IQueryable<AuditEntryRow> rows, AuditQuery query)
    {
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim().ToLowerInvariant();
            // ToLower + Contains is what EF translates on both providers (as in the job filters).
#pragma warning disable CA1862
            rows = rows.Where(e => (e.ActorName != null && e.ActorName.ToLower().Contains(actor)) || (e.KeyPrefix != null && e.KeyPrefix.ToLower().Contains(actor)));
#pragma warning restore CA1862
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            rows = rows.Where(e => e.Action == query.Action);
        }

        if (!string.IsNullOrWhiteSpace(query.Outcome))
        {
            rows = rows.Where(e => e.Outcome == query.Outcome);
        }

        if (query.From is { } from)
        {
            rows = rows.Where(e => e.At >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(e => e.At < to);
        }

        return rows;
    }
}
