using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.ComfyUi;

public sealed class MalformedFrameLogTests
{
    [Fact]
    public void Logs_once_per_kind_per_period_and_counts_what_it_held_back()
    {
        var time = new FakeTimeProvider();
        var log = new MalformedFrameLog(time, TimeSpan.FromMinutes(1));

        Assert.True(log.ShouldLog("text", out _));
        Assert.False(log.ShouldLog("text", out _));
        Assert.False(log.ShouldLog("text", out _));
        Assert.True(log.ShouldLog("binary", out _));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(log.ShouldLog("text", out var suppressed));
        Assert.Equal(2, suppressed);
    }

    [Fact]
    public void Reconnect_delays_grow_exponentially_with_jitter_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), new Random(7));

        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = Math.Min(30_000, 500 * Math.Pow(2, attempt));
            var delay = backoff.DelayFor(attempt).TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }

        Assert.InRange(backoff.DelayFor(1000).TotalSeconds, 15, 30);
    }
}
