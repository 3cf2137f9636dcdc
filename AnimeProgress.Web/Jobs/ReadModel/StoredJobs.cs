using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>A <see cref="JobFilter"/> and a <see cref="JobSort"/> as SQL over <c>production_jobs</c>: the one translation every reader uses.</summary>
internal static class StoredJobs
{
    public static IQueryable<ProductionJobRow> Filtered(AnimeProgressDbContext db, JobFilter filter)
    {
        var query = db.ProductionJobs.AsNoTracking();
        if (filter.Statuses is { } statuses)
        {
            var words = statuses.Select(s => s.ToWire()).ToList();
            query = query.Where(j => words.Contains(j.Status));
        }

        if (filter.Kind is { } kind)
        {
            var word = KindWord(kind);
            query = query.Where(j => j.Kind == word);
        }

        if (filter.Instance is { } instance)
        {
            query = query.Where(j => j.ComfyUiInstance == instance);
        }

        if (filter.SubmittedBy is { } submittedBy)
        {
            query = query.Where(j => j.SubmittedBy == submittedBy);
        }

        if (filter.WorkflowKey is { } workflowKey)
        {
            query = query.Where(j => j.WorkflowKey == workflowKey);
        }

        if (filter.Title is { } title)
        {
            var lowered = title.ToLowerInvariant();
            // ToLower + Contains is what EF translates on both providers; the StringComparison overload is not translatable.
#pragma warning disable CA1862
            query = query.Where(j => j.Title.ToLower().Contains(lowered));
#pragma warning restore CA1862
        }

        if (!string.IsNullOrWhiteSpace(filter.TitleOrPrompt))
        {
            var text = filter.TitleOrPrompt.Trim();
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(j => EF.Functions.Like(j.Title, pattern, "\\") || j.ComfyUiJobId == text);
        }

        if (filter.TitlePrefix is { Length: > 0 } prefix)
        {
            // The first characters compared with '=': exact on both providers (SQLite's LIKE ignores case).
            query = query.Where(j => j.Title.Substring(0, prefix.Length) == prefix);
        }

        query = filter.HasFinishTime switch
        {
            true => query.Where(j => j.CompletedAt != null),
            false => query.Where(j => j.CompletedAt == null),
            null => query,
        };

        if (filter.FinishedFrom is { } from)
        {
            query = query.Where(j => j.CompletedAt >= from);
        }

        if (filter.FinishedBefore is { } to)
        {
            query = query.Where(j => j.CompletedAt < to);
        }

        return query;
    }

    public static IQueryable<ProductionJobRow> Sorted(IQueryable<ProductionJobRow> query, JobSort sort, bool descending) => (sort, descending) switch
    {
        (JobSort.Id, false) => query.OrderBy(j => j.Id),
        (JobSort.Id, true) => query.OrderByDescending(j => j.Id),
        (JobSort.Created, false) => query.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id),
        (JobSort.Created, true) => query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id),
        (JobSort.Title, false) => query.OrderBy(j => j.Title).ThenBy(j => j.Id),
        (JobSort.Title, true) => query.OrderByDescending(j => j.Title).ThenByDescending(j => j.Id),
        (JobSort.Status, false) => query.OrderBy(j => j.Status).ThenByDescending(j => j.CompletedAt),
        (JobSort.Status, true) => query.OrderByDescending(j => j.Status).ThenByDescending(j => j.CompletedAt),
        (JobSort.Instance, false) => query.OrderBy(j => j.ComfyUiInstance).ThenByDescending(j => j.CompletedAt),
        (JobSort.Instance, true) => query.OrderByDescending(j => j.ComfyUiInstance).ThenByDescending(j => j.CompletedAt),
        (_, false) => query.OrderBy(j => j.CompletedAt).ThenBy(j => j.Id),
        _ => query.OrderByDescending(j => j.CompletedAt).ThenByDescending(j => j.Id),
    };

    /// <summary>
    /// Newest first by id, the REST list's order. With a finish-time bound, the id is sorted as an expression
    /// (<c>id + 0</c>): PostgreSQL then finds the matching rows by the finish-time index and sorts those (thousands),
    /// where ordering by the bare id made it walk the primary key backwards through every newer job (half the table for
    /// a week six months back: 0.3 s at a million jobs, docs/benchmarks.md).
    /// </summary>
    public static IQueryable<ProductionJobRow> Newest(IQueryable<ProductionJobRow> query, JobFilter filter) =>
        filter.FinishedFrom is not null || filter.FinishedBefore is not null
            ? query.OrderByDescending(j => j.Id + 0)
            : Sorted(query, JobSort.Id, descending: true);

    /// <summary>
    /// The rows after <paramref name="after"/> in (completed_at, id) order, descending or not: keyset paging for the
    /// history page. The bound on completed_at alone is redundant with the OR but is what lets the index range start
    /// at the cursor instead of reading and dropping every row before it.
    /// </summary>
    public static IQueryable<ProductionJobRow> AfterFinished(IQueryable<ProductionJobRow> query, FinishedCursor after, bool descending)
    {
        var at = after.CompletedAt;
        var id = after.Id;
        return descending
            ? query.Where(j => j.CompletedAt <= at && (j.CompletedAt < at || j.Id < id))
            : query.Where(j => j.CompletedAt >= at && (j.CompletedAt > at || j.Id > id));
    }

    /// <summary>The word <c>production_jobs.kind</c> stores.</summary>
    public static string KindWord(JobKind kind) => kind == JobKind.Video ? "video" : "image";
}
