using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Persistence.History;

/// <summary>
/// Decides which snapshots become history rows: the first one seen of a live job, every stage
/// change (outcomes included), and otherwise at most one per sample interval while progress moves.
/// Not thread-safe: the recorder calls it from its one hub subscription, which is never concurrent.
/// </summary>
public sealed class ProgressHistorySampler(TimeSpan sampleInterval)
{
    private readonly Dictionary<long, ProgressHistoryRow> _last = [];

    /// <summary>Jobs being followed (live ones); finished jobs are forgotten after their last row.</summary>
    public int Tracked => _last.Count;

    public ProgressHistoryRow? Offer(JobSnapshot snapshot)
    {
        var stage = snapshot.Stage.DisplayName();
        if (!_last.TryGetValue(snapshot.Id, out var last))
        {
            // A job first seen already finished was restored from the store or re-published: its rows exist.
            if (snapshot.IsTerminal)
            {
                return null;
            }

            return Remember(snapshot, stage);
        }

        if (snapshot.UpdatedAt < last.RecordedAt)
        {
            return null;
        }

        var stageChanged = !string.Equals(stage, last.Stage, StringComparison.Ordinal);
        if (snapshot.IsTerminal)
        {
            _last.Remove(snapshot.Id);
            return stageChanged || snapshot.Percent > last.Progress ? Row(snapshot, stage) : null;
        }

        var due = snapshot.UpdatedAt - last.RecordedAt >= sampleInterval && snapshot.Percent > last.Progress;
        return stageChanged || due ? Remember(snapshot, stage) : null;
    }

    private ProgressHistoryRow Remember(JobSnapshot snapshot, string stage)
    {
        var row = Row(snapshot, stage);
        _last[snapshot.Id] = row;
        return row;
    }

    private static ProgressHistoryRow Row(JobSnapshot snapshot, string stage) => new()
    {
        JobId = snapshot.Id,
        RecordedAt = snapshot.UpdatedAt,
        Progress = snapshot.Percent,
        Stage = stage,
        Rate = snapshot.RatePercentPerMinute,
    };
}
