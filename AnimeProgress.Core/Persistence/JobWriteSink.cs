using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// <see cref="JobStore"/>'s rules: stage and status changes go out at once; progress of a job at most once per
/// flush interval (it is on every dashboard live anyway; the row is for other nodes, other programs and
/// restarts); when too much waits, the stalest in-progress states give way and terminal states never do.
/// </summary>
internal sealed partial class JobWriteSink(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    DatabaseOptions options,
    ILogger logger,
    Notifications.IJobOutcomeOutbox? outbox = null) : WriteBehindSink<long, JobWrite>
{
    private readonly Dictionary<long, WriteMark> _written = [];
    private readonly Lock _gate = new();

    public override int Capacity => options.MaxPendingWrites;

    public override Task WriteAsync(IReadOnlyList<JobWrite> batch, CancellationToken cancellationToken) =>
        JobRowWriter.WriteAsync(contexts, batch, cancellationToken, outbox);

    public override bool IsUrgent(JobWrite item) => item.Snapshot is { } job && !IsUnchangedSinceWritten(job);

    public override bool IsDue(JobWrite item, DateTimeOffset now)
    {
        if (item.Snapshot is not { } job)
        {
            return true;
        }

        lock (_gate)
        {
            return !_written.TryGetValue(job.Id, out var mark) || mark.Status != job.Status || mark.Stage != job.Stage
                || now - mark.At >= options.FlushInterval;
        }
    }

    public override IEnumerable<long> Evict(IReadOnlyDictionary<long, JobWrite> waiting, int excess) =>
        waiting.Values
            .Where(w => w.Snapshot is { IsTerminal: false })
            .OrderBy(w => w.Snapshot!.UpdatedAt)
            .Take(excess)
            .Select(w => w.Id);

    /// <summary>A state that failed is kept over an older one queued meanwhile; a removal always stays.</summary>
    public override bool KeepFailedOver(JobWrite failed, JobWrite waiting) =>
        failed.Snapshot is not { } job || (waiting.Snapshot is { } newer && newer.Version < job.Version);

    public override void Written(IReadOnlyList<JobWrite> batch, DateTimeOffset at)
    {
        lock (_gate)
        {
            foreach (var job in batch.Select(w => w.Snapshot).OfType<JobSnapshot>())
            {
                _written[job.Id] = new WriteMark(at, job.Status, job.Stage);
            }

            PruneMarks();
        }
    }

    /// <summary>The job left the store: its mark goes too.</summary>
    public void Forget(long id)
    {
        lock (_gate)
        {
            _written.Remove(id);
        }
    }

    /// <summary>Another node writes now: what this one wrote says nothing about the rows any more.</summary>
    public void ForgetAll()
    {
        lock (_gate)
        {
            _written.Clear();
        }
    }

    public override void Failed(Exception exception, int count) => LogWriteFailed(exception, count);

    public override void Recovered(int count) => LogRecovered(count);

    /// <summary>The database refused this job's values even row by row: logged with its id and skipped, so every other write goes on.</summary>
    public override void Quarantined(JobWrite item, Exception exception) =>
        LogQuarantined(exception, item.Id, item.Snapshot is null ? "delete" : "upsert", item.Snapshot?.PromptId, item.Snapshot?.Version);

    private bool IsUnchangedSinceWritten(JobSnapshot job)
    {
        lock (_gate)
        {
            return _written.TryGetValue(job.Id, out var mark) && mark.Status == job.Status && mark.Stage == job.Stage;
        }
    }

    /// <summary>Write marks of finished jobs are dropped once there are many: they are rarely written again.</summary>
    private void PruneMarks()
    {
        if (_written.Count <= 5_000)
        {
            return;
        }

        foreach (var id in _written.Where(m => m.Value.Status.IsTerminal()).Select(m => m.Key).ToList())
        {
            _written.Remove(id);
        }
    }

    private readonly record struct WriteMark(DateTimeOffset At, JobStatus Status, Stage Stage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database write of {Count} jobs failed; holding them in memory until it recovers")]
    private partial void LogWriteFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quarantined the write of job {JobId} ({Operation}, prompt {PromptId}, version {Version}): the database refuses its values; it is skipped and later writes go on")]
    private partial void LogQuarantined(Exception ex, long jobId, string operation, string? promptId, long? version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database is back; flushed {Count} held job writes")]
    private partial void LogRecovered(int count);
}
