using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Keeps <c>progress_history</c> bounded (issue 15 item 5): the samples of jobs finished more than
/// <see cref="ProgressHistoryOptions.FullDetailFor"/> ago are thinned (<see cref="ProgressHistoryThinning"/>), and
/// samples recorded more than <see cref="ProgressHistoryOptions.KeepFor"/> ago are deleted. Both work in small batches
/// in key order, each its own short statement, so the recorder's writes never wait long and a cancelled pass leaves
/// nothing half done. Run by <see cref="ProgressHistoryRetentionService"/> on the leader; tests call it directly.
/// </summary>
public sealed partial class ProgressHistoryRetention(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    IOptions<ProgressHistoryOptions> options,
    TimeProvider time,
    ILogger<ProgressHistoryRetention> logger)
{
    private const int DeleteChunk = 1_000;
    private readonly ProgressHistoryOptions _options = options.Value;

    // The last job thinned, in (completed_at, id) order: the next pass starts after it, so each job is read once
    // (more after a restart or a change of leader, which only repeats work: thinning twice removes nothing more).
    private (DateTimeOffset At, long Id)? _thinnedUpTo;

    // The same for the jobs whose samples expired: each expired job is visited once per leadership.
    private (DateTimeOffset At, long Id)? _expiredUpTo;

    /// <summary>What one pass did.</summary>
    public readonly record struct Pass(int JobsThinned, int SamplesThinned, int SamplesExpired);

    /// <summary>Thins, then deletes what expired; logs what it removed.</summary>
    public async Task<Pass> RunAsync(CancellationToken cancellationToken)
    {
        var (jobs, thinned) = await ThinAsync(cancellationToken);
        var expired = await DeleteExpiredAsync(cancellationToken);
        if (thinned > 0 || expired > 0)
        {
            LogPass(jobs, thinned, _options.ThinnedInterval, expired, _options.KeepFor);
        }

        return new Pass(jobs, thinned, expired);
    }

    /// <summary>Thins the samples of the jobs that finished before the full-detail window and after the last pass's end.</summary>
    /// <returns>How many jobs were read and how many samples were removed.</returns>
    public async Task<(int Jobs, int Removed)> ThinAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now - _options.FullDetailFor;
        // Jobs whose samples expire anyway are not thinned first.
        DateTimeOffset? from = _options.KeepFor > TimeSpan.Zero ? now - _options.KeepFor : null;
        var (jobs, removed) = (0, 0);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var query = db.ProductionJobs.AsNoTracking().Where(j => j.CompletedAt != null && j.CompletedAt < until);
            if (_thinnedUpTo is { } mark)
            {
                var (at, id) = mark;
                // The bound on completed_at alone lets the (completed_at, id) index start at the mark.
                query = query.Where(j => j.CompletedAt >= at && (j.CompletedAt > at || j.Id > id));
            }

            if (from is { } f)
            {
                query = query.Where(j => j.CompletedAt >= f);
            }

            var batch = await query.OrderBy(j => j.CompletedAt).ThenBy(j => j.Id)
                .Select(j => new { j.Id, CompletedAt = j.CompletedAt!.Value })
                .Take(_options.RetentionBatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return (jobs, removed);
            }

            var ids = batch.Select(j => j.Id).ToList();
            var samples = await db.ProgressHistory.AsNoTracking()
                .Where(h => ids.Contains(h.JobId))
                .OrderBy(h => h.JobId).ThenBy(h => h.RecordedAt).ThenBy(h => h.Id)
                .Select(h => new { h.JobId, Sample = new ProgressHistoryThinning.Sample(h.Id, h.RecordedAt, h.Stage) })
                .ToListAsync(cancellationToken);
            var dropped = samples.GroupBy(s => s.JobId)
                .SelectMany(g => ProgressHistoryThinning.Dropped([.. g.Select(s => s.Sample)], _options.ThinnedInterval))
                .ToList();
            foreach (var chunk in dropped.Chunk(DeleteChunk))
            {
                removed += await db.ProgressHistory.Where(h => chunk.Contains(h.Id)).ExecuteDeleteAsync(cancellationToken);
            }

            jobs += batch.Count;
            _thinnedUpTo = (batch[^1].CompletedAt, batch[^1].Id);
        }
    }

    /// <summary>
    /// Deletes the samples recorded before <see cref="ProgressHistoryOptions.KeepFor"/>: first those of the jobs that
    /// finished before it (by the finish-time index, each job's samples by theirs), then whatever is left that old
    /// from the table's oldest ids on (a job whose row is gone, one that never finished). Ids grow as samples are
    /// written, so that walk stops at the first stretch with nothing old enough instead of reading the whole table.
    /// </summary>
    /// <returns>How many samples were deleted.</returns>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        if (_options.KeepFor <= TimeSpan.Zero)
        {
            return 0;
        }

        var before = time.GetUtcNow() - _options.KeepFor;
        return await DeleteOfExpiredJobsAsync(before, cancellationToken) + await DeleteOldestAsync(before, cancellationToken);
    }

    private async Task<int> DeleteOfExpiredJobsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var query = db.ProductionJobs.AsNoTracking().Where(j => j.CompletedAt != null && j.CompletedAt < before);
            if (_expiredUpTo is { } mark)
            {
                var (at, id) = mark;
                query = query.Where(j => j.CompletedAt >= at && (j.CompletedAt > at || j.Id > id));
            }

            var batch = await query.OrderBy(j => j.CompletedAt).ThenBy(j => j.Id)
                .Select(j => new { j.Id, CompletedAt = j.CompletedAt!.Value })
                .Take(_options.RetentionBatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return deleted;
            }

            var ids = batch.Select(j => j.Id).ToList();
            deleted += await db.ProgressHistory.Where(h => ids.Contains(h.JobId) && h.RecordedAt < before).ExecuteDeleteAsync(cancellationToken);
            _expiredUpTo = (batch[^1].CompletedAt, batch[^1].Id);
        }
    }

    private async Task<int> DeleteOldestAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var take = _options.RetentionBatchSize * 10;
        var deleted = 0;
        long afterId = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var batch = await db.ProgressHistory.AsNoTracking()
                .Where(h => h.Id > afterId)
                .OrderBy(h => h.Id)
                .Select(h => new { h.Id, Old = h.RecordedAt < before })
                .Take(take)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0 || !batch.Any(h => h.Old))
            {
                return deleted;
            }

            var (low, high) = (afterId, batch[^1].Id);
            deleted += await db.ProgressHistory.Where(h => h.Id > low && h.Id <= high && h.RecordedAt < before).ExecuteDeleteAsync(cancellationToken);
            afterId = high;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Progress history: thinned {Jobs} aged jobs to one sample per {Interval} ({Thinned} samples removed); deleted {Expired} samples older than {KeepFor}")]
    private partial void LogPass(int jobs, int thinned, TimeSpan interval, int expired, TimeSpan keepFor);
}
