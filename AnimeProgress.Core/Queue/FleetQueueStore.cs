using System.Globalization;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using AnimeProgress.Core.Persistence.Queue;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// The fleet queue's rows. Every change of state is one conditional UPDATE (<c>WHERE state = …</c>), so of two actions
/// on the same job at once exactly one wins and the other learns it lost; changes of order are serialized on this node.
/// </summary>
public sealed class FleetQueueStore(IDbContextFactory<AnimeProgressDbContext> contexts, TimeProvider time) : IDisposable
{
    public const string PausedSetting = "queue.paused";

    private static readonly string Waiting = QueueEntryState.Waiting.ToWire();
    private static readonly string Dispatching = QueueEntryState.Dispatching.ToWire();
    private readonly SemaphoreSlim _order = new(1, 1);

    public void Dispose() => _order.Dispose();

    /// <summary>Adds a waiting job behind every waiting job of the same or a higher priority (or at the front).</summary>
    public async Task AddAsync(FleetQueueRow row, bool front, CancellationToken cancellationToken)
    {
        await _order.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var waiting = await WaitingOrderAsync(db, cancellationToken);
            var index = front ? 0 : QueueOrder.IndexForPriority([.. waiting.Select(w => (w.JobId, w.Priority))], row.Priority);
            row.State = Waiting;
            row.Position = await PositionAtAsync(db, waiting, index, cancellationToken);
            row.UpdatedAt = time.GetUtcNow();
            db.FleetQueue.Add(row);
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _order.Release();
        }
    }

    public async Task<FleetQueueRow?> FindAsync(long jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == jobId, cancellationToken);
    }

    /// <summary>The waiting jobs in dispatch order.</summary>
    public async Task<List<FleetQueueRow>> WaitingAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.AsNoTracking().Where(r => r.State == Waiting).OrderBy(r => r.Position).ThenBy(r => r.JobId).ToListAsync(cancellationToken);
    }

    public async Task<List<FleetQueueRow>> InStateAsync(QueueEntryState state, CancellationToken cancellationToken)
    {
        var wire = state.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.AsNoTracking().Where(r => r.State == wire).OrderBy(r => r.JobId).ToListAsync(cancellationToken);
    }

    /// <summary>Jobs sent to ComfyUI since <paramref name="since"/>.</summary>
    public async Task<List<FleetQueueRow>> RecentlyDispatchedAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var dispatched = QueueEntryState.Dispatched.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.AsNoTracking().Where(r => r.State == dispatched && r.DispatchedAt > since).OrderBy(r => r.JobId).ToListAsync(cancellationToken);
    }

    /// <summary>Step 1 of a dispatch: the instance and prompt id are recorded before anything is sent. False: the job no longer waits.</summary>
    public async Task<bool> TryStartDispatchAsync(long jobId, string instance, string promptId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.Where(r => r.JobId == jobId && r.State == Waiting)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, Dispatching).SetProperty(r => r.Instance, instance).SetProperty(r => r.PromptId, promptId).SetProperty(r => r.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>The last step of a dispatch: ComfyUI holds the prompt (<see cref="QueueEntryState.Dispatched"/>) or refused it (<see cref="QueueEntryState.Failed"/>).</summary>
    public async Task<bool> TryFinishDispatchAsync(long jobId, string promptId, QueueEntryState outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = outcome.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.Where(r => r.JobId == jobId && r.State == Dispatching && r.PromptId == promptId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, state).SetProperty(r => r.DispatchedAt, now).SetProperty(r => r.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>A sent job whose prompt ComfyUI lost before it started goes back to waiting, at its old place, to be sent under a new prompt id.</summary>
    public async Task<bool> TryRequeueAsync(long jobId, string promptId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var dispatched = QueueEntryState.Dispatched.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.Where(r => r.JobId == jobId && r.State == dispatched && r.PromptId == promptId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, Waiting).SetProperty(r => r.Instance, (string?)null).SetProperty(r => r.PromptId, (string?)null).SetProperty(r => r.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>
    /// Jobs sent (or being sent) to one of <paramref name="instances"/> since <paramref name="since"/>: the candidates for
    /// taking back from an instance that stays offline.
    /// </summary>
    public async Task<List<FleetQueueRow>> SentToAsync(IReadOnlyCollection<string> instances, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var dispatched = QueueEntryState.Dispatched.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.AsNoTracking()
            .Where(r => (r.State == Dispatching || (r.State == dispatched && r.DispatchedAt > since)) && r.Instance != null && instances.Contains(r.Instance))
            .OrderBy(r => r.JobId)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Takes a job back from an offline instance where it was pending: in one transaction the row waits again at its old
    /// place (no instance, no prompt id) and the abandoned prompt is remembered, so the prompt can never be forgotten
    /// while the job runs elsewhere, nor remembered while the job still counts on it. False: the row moved on meanwhile.
    /// </summary>
    public async Task<bool> TryReclaimAsync(AbandonedPrompt abandoned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(abandoned);
        var now = time.GetUtcNow();
        var dispatched = QueueEntryState.Dispatched.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var taken = await db.FleetQueue
            .Where(r => r.JobId == abandoned.JobId && (r.State == dispatched || r.State == Dispatching) && r.Instance == abandoned.Instance && r.PromptId == abandoned.PromptId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, Waiting).SetProperty(r => r.Instance, (string?)null).SetProperty(r => r.PromptId, (string?)null).SetProperty(r => r.UpdatedAt, now), cancellationToken) == 1;
        if (!taken)
        {
            return false;
        }

        db.AppSettings.Add(new AppSettingRow { Key = abandoned.Key, Value = abandoned.Value, UpdatedAt = now, UpdatedBy = "fleet queue" });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Every prompt taken back from an instance and not yet cleared from it.</summary>
    public async Task<List<AbandonedPrompt>> AbandonedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.AppSettings.AsNoTracking().Where(s => s.Key.StartsWith(AbandonedPrompt.KeyPrefix)).ToListAsync(cancellationToken);
        return [.. rows.Select(r => AbandonedPrompt.FromSetting(r.Key, r.Value)).OfType<AbandonedPrompt>()];
    }

    /// <summary>The abandoned prompt is dealt with on its instance (deleted, or found run): forgotten.</summary>
    public async Task ForgetAbandonedAsync(AbandonedPrompt abandoned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(abandoned);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.AppSettings.Where(s => s.Key == abandoned.Key).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Cancels a job while it waits. False: it does not wait (any more).</summary>
    public async Task<bool> TryCancelWaitingAsync(long jobId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cancelled = QueueEntryState.Cancelled.ToWire();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.Where(r => r.JobId == jobId && r.State == Waiting)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, cancelled).SetProperty(r => r.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>Sets a waiting job's priority and moves it where that priority enters. False: it does not wait.</summary>
    public Task<bool> TrySetPriorityAsync(long jobId, int priority, CancellationToken cancellationToken) =>
        ReorderAsync(jobId, waiting => QueueOrder.IndexForPriority([.. waiting.Select(w => (w.JobId, w.Priority))], priority), priority, cancellationToken);

    /// <summary>Moves a waiting job to the front, the back, or just before another waiting job. False: one of them does not wait.</summary>
    public Task<bool> TryMoveAsync(long jobId, QueueMove move, CancellationToken cancellationToken) =>
        ReorderAsync(
            jobId,
            waiting => move.To switch
            {
                QueueMoveTarget.Front => 0,
                QueueMoveTarget.Back => waiting.Count,
                _ => waiting.FindIndex(w => w.JobId == move.BeforeJobId) is var i and >= 0 ? i : null,
            },
            null,
            cancellationToken);

    /// <summary>A job as <c>production_jobs</c> holds it (status, instance, prompt id), for jobs the tracker no longer shows.</summary>
    /// <summary>
    /// Whether a prompt id was ever given to a job: a queued job's fixed id (kept in its extra data until it is sent),
    /// a sent one's, or a stored job's. The fleet relay refuses such an id, also after a restart emptied its memory.
    /// </summary>
    public async Task<bool> PromptIdTakenAsync(string promptId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetQueue.AnyAsync(r => r.PromptId == promptId || (r.ExtraData != null && r.ExtraData.Contains(promptId)), cancellationToken)
            || await db.ProductionJobs.AnyAsync(j => j.ComfyUiJobId == promptId, cancellationToken);
    }

    public async Task<ProductionJobRow?> StoredJobAsync(long jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProductionJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
    }

    public async Task<bool> IsPausedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.AppSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == PausedSetting, cancellationToken);
        return row is not null && bool.TryParse(row.Value, out var paused) && paused;
    }

    /// <summary>Pauses or resumes dispatch; false when it already was so.</summary>
    public async Task<bool> SetPausedAsync(bool paused, string? by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.AppSettings.FirstOrDefaultAsync(s => s.Key == PausedSetting, cancellationToken);
        var value = paused.ToString(CultureInfo.InvariantCulture).ToLowerInvariant();
        if (row is null)
        {
            if (!paused)
            {
                return false;
            }

            db.AppSettings.Add(new AppSettingRow { Key = PausedSetting, Value = value, UpdatedAt = time.GetUtcNow(), UpdatedBy = by });
        }
        else if (row.Value == value)
        {
            return false;
        }
        else
        {
            row.Value = value;
            row.UpdatedAt = time.GetUtcNow();
            row.UpdatedBy = by;
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<List<FleetInstanceRow>> InstanceSettingsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FleetInstances.AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>Changes an instance's labels or drain; returns the row as it is after the change.</summary>
    public async Task<FleetInstanceRow> UpdateInstanceAsync(string name, Action<FleetInstanceRow> change, string? by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.FleetInstances.FirstOrDefaultAsync(i => i.Name == name, cancellationToken);
        if (row is null)
        {
            row = new FleetInstanceRow { Name = name };
            db.FleetInstances.Add(row);
        }

        change(row);
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = by;
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    private async Task<bool> ReorderAsync(long jobId, Func<List<FleetQueueRow>, int?> indexAmongOthers, int? priority, CancellationToken cancellationToken)
    {
        await _order.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var waiting = await WaitingOrderAsync(db, cancellationToken);
            var job = waiting.Find(w => w.JobId == jobId);
            if (job is null)
            {
                return false;
            }

            waiting.Remove(job);
            if (indexAmongOthers(waiting) is not { } index)
            {
                return false;
            }

            var position = await PositionAtAsync(db, waiting, index, cancellationToken);
            var now = time.GetUtcNow();
            var newPriority = priority ?? job.Priority;
            // Conditional again: a dispatch that took the job since it was read wins, and this change is refused.
            return await db.FleetQueue.Where(r => r.JobId == jobId && r.State == Waiting)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Position, position).SetProperty(r => r.Priority, newPriority).SetProperty(r => r.UpdatedAt, now), cancellationToken) == 1;
        }
        finally
        {
            _order.Release();
        }
    }

    private static Task<List<FleetQueueRow>> WaitingOrderAsync(AnimeProgressDbContext db, CancellationToken cancellationToken) =>
        db.FleetQueue.AsNoTracking().Where(r => r.State == Waiting).OrderBy(r => r.Position).ThenBy(r => r.JobId).ToListAsync(cancellationToken);

    /// <summary>The position that puts a job at <paramref name="index"/> of <paramref name="waiting"/>; numbers them afresh when there is no gap.</summary>
    private static async Task<long> PositionAtAsync(AnimeProgressDbContext db, List<FleetQueueRow> waiting, int index, CancellationToken cancellationToken)
    {
        long? before = index > 0 ? waiting[index - 1].Position : null;
        long? after = index < waiting.Count ? waiting[index].Position : null;
        if (QueueOrder.Between(before, after) is { } position)
        {
            return position;
        }

        for (var i = 0; i < waiting.Count; i++)
        {
            var id = waiting[i].JobId;
            var renumbered = (i + (i >= index ? 2 : 1)) * QueueOrder.Gap;
            waiting[i].Position = renumbered;
            await db.FleetQueue.Where(r => r.JobId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Position, renumbered), cancellationToken);
        }

        return (index + 1) * QueueOrder.Gap;
    }
}
