using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;

namespace AnimeProgress.Core.Tracking;

/// <summary>What the tracker knows of each ComfyUI instance (online, queue, VRAM); every change is published.</summary>
internal sealed class InstanceRegistry(ProgressHub hub, TimeProvider time)
{
    private readonly Dictionary<string, InstanceStatus> _instances = new(StringComparer.Ordinal);

    public void Connected(InstanceConnected c) =>
        Update(c.Instance, c.BaseUrl, i => i with { Online = true, Since = time.GetUtcNow(), ReconnectAttempt = 0, NextRetryAt = null });

    public void Disconnected(InstanceDisconnected d) =>
        Update(d.Instance, d.BaseUrl, i => i with
        {
            Online = false,
            Since = i.Online || i.Since == default ? time.GetUtcNow() : i.Since,
            LastError = d.Error ?? i.LastError,
            ReconnectAttempt = d.Attempt,
            NextRetryAt = d.NextRetryAt,
        });

    public void HealthChanged(InstanceHealthChanged h) =>
        Update(h.Instance, h.BaseUrl, i => i with { Degraded = h.Reason });

    public void StatsReceived(InstanceStatsReceived s) =>
        Update(s.Instance, null, i => i with
        {
            Devices = s.Stats.Devices,
            ComfyUiVersion = s.Stats.ComfyUiVersion,
            VramHistory = AppendVram(i.VramHistory, s.Stats.Devices),
        });

    /// <summary>Changes a known instance; an unknown one is created only when its address is given (a connect or disconnect).</summary>
    public void Update(string name, Uri? baseUrl, Func<InstanceStatus, InstanceStatus> change)
    {
        if (!_instances.TryGetValue(name, out var current))
        {
            if (baseUrl is null)
            {
                return;
            }

            current = new InstanceStatus { Name = name, BaseUrl = baseUrl, Since = time.GetUtcNow() };
        }

        var next = change(current);
        _instances[name] = next;
        hub.Publish(next);
    }

    public void Clear() => _instances.Clear();

    private static List<double> AppendVram(IReadOnlyList<double> history, IReadOnlyList<DeviceStats> devices)
    {
        var list = history.ToList();
        if (devices.Count > 0 && devices[0].VramTotal > 0)
        {
            list.Add(Math.Clamp((double)devices[0].VramUsed / devices[0].VramTotal, 0, 1));
        }

        return list.Count > InstanceStatus.VramHistoryLength ? list[^InstanceStatus.VramHistoryLength..] : list;
    }
}
