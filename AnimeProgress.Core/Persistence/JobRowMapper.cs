using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Persistence;

/// <summary>Snapshot ↔ row. Reading is forgiving: a bad row from another program shows safely instead of failing.</summary>
public static class JobRowMapper
{
    public static void CopyTo(JobSnapshot s, ProductionJobRow row)
    {
        row.Id = s.Id;
        row.Title = s.Title;
        row.Kind = s.Kind == JobKind.Video ? "video" : "image";
        row.Status = s.Status.ToWire();
        row.CurrentStage = s.Stage.DisplayName();
        row.Progress = s.Percent;
        row.FramesComplete = s.FramesDone;
        row.EstimatedTotalFrames = s.FramesTotal;
        row.FramesEstimated = s.FramesEstimated;
        row.EtaSeconds = s.EtaSeconds;
        row.ProgressRate = s.RatePercentPerMinute;
        row.ComfyUiJobId = s.PromptId;
        row.WorkflowKey = s.WorkflowKey ?? row.WorkflowKey;
        row.ComfyUiInstance = s.Instance;
        row.Error = s.Error;
        row.CreatedAt = s.CreatedAt;
        row.StartedAt = s.StartedAt;
        row.UpdatedAt = s.UpdatedAt;
        row.CompletedAt = s.FinishedAt;
        row.Source = s.Source.ToWire();
        row.EtaLowSeconds = s.EtaLowSeconds;
        row.EtaHighSeconds = s.EtaHighSeconds;
        row.RateTrend = TrendToWire(s.RateTrend);
        row.EtaBasis = EtaBasisWire.ToWire(s.EtaBasis);
        row.Stalled = s.Stalled;
        row.QueuePosition = s.QueuePosition;
        // Cut to its column on save, like every text (Columns.ColumnFitting).
        row.CurrentNode = s.CurrentNodeType;
        row.Version = s.Version;
        // Never cleared by a copy that lost it (a snapshot rebuilt from a queue read): who submitted a job does not change.
        row.SubmittedBy = s.SubmittedBy ?? row.SubmittedBy;
    }

    public static JobSnapshot ToSnapshot(ProductionJobRow row)
    {
        var status = JobStatusNames.FromWire(row.Status);
        var stage = StageExtensions.TryParse(row.CurrentStage, out var parsed) ? parsed : StageFor(status);
        return new JobSnapshot
        {
            Id = row.Id,
            Title = string.IsNullOrWhiteSpace(row.Title) ? $"Job {row.Id}" : row.Title,
            Kind = string.Equals(row.Kind, "video", StringComparison.OrdinalIgnoreCase) ? JobKind.Video : JobKind.Image,
            Status = status ?? JobStatus.Failed,
            Stage = stage,
            Percent = double.IsFinite(row.Progress) ? Math.Clamp(row.Progress, 0, 100) : 0,
            FramesDone = row.FramesComplete is >= 0 ? row.FramesComplete : null,
            FramesTotal = row.EstimatedTotalFrames is > 0 ? row.EstimatedTotalFrames : null,
            FramesEstimated = row.FramesEstimated,
            EtaSeconds = row.EtaSeconds is >= 0 ? row.EtaSeconds : null,
            RatePercentPerMinute = row.ProgressRate,
            PromptId = row.ComfyUiJobId,
            WorkflowKey = row.WorkflowKey,
            Instance = row.ComfyUiInstance,
            Error = status is null ? $"Unknown status '{row.Status}' in the database" : row.Error,
            CreatedAt = row.CreatedAt,
            StartedAt = row.StartedAt,
            UpdatedAt = row.UpdatedAt,
            FinishedAt = row.CompletedAt,
            Source = JobSourceNames.FromWire(row.Source),
            EtaLowSeconds = NonNegative(row.EtaLowSeconds),
            EtaHighSeconds = NonNegative(row.EtaHighSeconds),
            RateTrend = TrendFromWire(row.RateTrend),
            EtaBasis = EtaBasisWire.FromWire(row.EtaBasis),
            Stalled = row.Stalled,
            QueuePosition = row.QueuePosition is >= 1 ? row.QueuePosition : null,
            CurrentNodeType = string.IsNullOrWhiteSpace(row.CurrentNode) ? null : row.CurrentNode,
            // The stored version (0 in rows of other programs and older versions); a restart goes past it (StoredVersions).
            Version = Math.Max(row.Version, 1),
            SubmittedBy = string.IsNullOrWhiteSpace(row.SubmittedBy) ? null : row.SubmittedBy,
        };
    }

    private static double? NonNegative(double? value) => value is { } v && double.IsFinite(v) && v >= 0 ? v : null;

    // The API's words for the trend (see the WebSocket/REST wire format); null while unknown.
    private static string? TrendToWire(RateTrend trend) => trend switch
    {
        RateTrend.SpeedingUp => "speeding_up",
        RateTrend.Steady => "steady",
        RateTrend.SlowingDown => "slowing_down",
        _ => null,
    };

    private static RateTrend TrendFromWire(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "speeding_up" => RateTrend.SpeedingUp,
        "steady" => RateTrend.Steady,
        "slowing_down" => RateTrend.SlowingDown,
        _ => RateTrend.Unknown,
    };

    private static Stage StageFor(JobStatus? status) => status switch
    {
        JobStatus.Completed => Stage.Completed,
        JobStatus.Failed or null => Stage.Failed,
        JobStatus.Cancelled => Stage.Cancelled,
        JobStatus.Running => Stage.Processing,
        _ => Stage.Queued,
    };
}
