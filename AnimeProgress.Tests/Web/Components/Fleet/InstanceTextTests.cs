using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Web.Components.Fleet;

namespace AnimeProgress.Tests.Web.Components.Fleet;

public sealed class InstanceTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static InstanceStatus Gpu(bool online) => new()
    {
        Name = "gpu-1",
        BaseUrl = new Uri("http://gpu-1:8188/"),
        Online = online,
        Since = Now.AddMinutes(-5),
        QueueRemaining = 2,
        LastError = online ? null : "refused",
        Devices = [new DeviceStats("cuda:0", "cuda", 24L << 30, 12L << 30)],
    };

    [Fact]
    public void The_pill_tooltip_names_state_queue_and_vram()
    {
        Assert.Equal("gpu-1: online for 5m 0s; queue 2; VRAM 12.0/24.0 GiB", InstanceText.Tooltip(Gpu(online: true), Now));
        Assert.Equal("gpu-1: offline for 5m 0s (refused); queue 2; VRAM 12.0/24.0 GiB", InstanceText.Tooltip(Gpu(online: false), Now));
        Assert.Equal("gpu-1: online for 5m 0s; queue 2", InstanceText.Tooltip(Gpu(online: true) with { Devices = [] }, Now));
    }

    [Fact]
    public void The_strip_reads_queue_or_offline_and_whole_percent()
    {
        Assert.Equal("queue 2", InstanceText.QueueOrOffline(Gpu(online: true)));
        Assert.Equal("offline", InstanceText.QueueOrOffline(Gpu(online: false)));
        Assert.Equal("50%", InstanceText.PercentWhole(12L << 30, 24L << 30));
        Assert.Equal("37.5", InstanceText.PercentValue(3, 8));
        Assert.Equal("0", InstanceText.PercentValue(0, 0));
    }
}
