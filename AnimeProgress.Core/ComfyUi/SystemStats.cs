namespace AnimeProgress.Core.ComfyUi;

/// <summary>A compute device from <c>/system_stats</c>; VRAM in bytes.</summary>
public sealed record DeviceStats(string Name, string Type, long VramTotal, long VramFree)
{
    public long VramUsed => Math.Max(0, VramTotal - VramFree);
}

public sealed record SystemStats(string? ComfyUiVersion, IReadOnlyList<DeviceStats> Devices);
