using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Core.Fleet;

/// <summary>An immutable picture of one ComfyUI machine: reachable or not, since when, its queue and GPU memory.</summary>
public sealed record InstanceStatus
{
    public required string Name { get; init; }
    public required Uri BaseUrl { get; init; }
    public bool Online { get; init; }
    public DateTimeOffset Since { get; init; }
    public string? LastError { get; init; }

    /// <summary>Why the instance is degraded (a loop failed and is being restarted), in plain words; null while all its loops run.</summary>
    public string? Degraded { get; init; }
    public int QueueRemaining { get; init; }
    public int ReconnectAttempt { get; init; }
    public DateTimeOffset? NextRetryAt { get; init; }
    public IReadOnlyList<DeviceStats> Devices { get; init; } = [];
    public string? ComfyUiVersion { get; init; }

    /// <summary>Recent VRAM use of the first device, 0–1, oldest first (one sample per /system_stats read).</summary>
    public IReadOnlyList<double> VramHistory { get; init; } = [];

    /// <summary>Prompts queued there beyond the cap of followed jobs (TrackerOptions.MaxActiveJobsPerInstance): counted, not followed.</summary>
    public int UntrackedQueued { get; init; }

    /// <summary>The prompt running there now, when known.</summary>
    public string? RunningPromptId { get; init; }

    public const int VramHistoryLength = 36;
}
