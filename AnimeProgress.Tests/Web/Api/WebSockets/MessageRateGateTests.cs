using AnimeProgress.Web.Api.WebSockets;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Api.WebSockets;

public sealed class MessageRateGateTests
{
    [Fact]
    public void A_burst_passes_then_the_sustained_rate_applies()
    {
        var time = new FakeTimeProvider();
        var gate = new MessageRateGate(perSecond: 2, burst: 5, time);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(gate.TryTake()));
        Assert.False(gate.TryTake());

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.TryTake());
        Assert.True(gate.TryTake());
        Assert.False(gate.TryTake());
    }

    [Fact]
    public void A_quiet_client_refills_only_up_to_the_burst()
    {
        var time = new FakeTimeProvider();
        var gate = new MessageRateGate(perSecond: 10, burst: 3, time);

        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => gate.TryTake()));
    }
}
