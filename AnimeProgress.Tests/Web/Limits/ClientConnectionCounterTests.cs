using AnimeProgress.Web.Limits;

namespace AnimeProgress.Tests.Web.Limits;

public sealed class ClientConnectionCounterTests
{
    [Fact]
    public void A_client_gets_up_to_its_cap_and_others_are_counted_apart()
    {
        var counter = new ClientConnectionCounter();
        var leases = new List<IDisposable>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(counter.TryAcquire("a", 3, out var lease));
            leases.Add(lease!);
        }

        Assert.False(counter.TryAcquire("a", 3, out var refused));
        Assert.Null(refused);
        Assert.True(counter.TryAcquire("b", 3, out var other));
        Assert.Equal((3, 1), (counter.OpenBy("a"), counter.OpenBy("b")));

        leases[0].Dispose();
        leases[0].Dispose(); // a second dispose gives back nothing more
        Assert.Equal(2, counter.OpenBy("a"));
        Assert.True(counter.TryAcquire("a", 3, out _));
        other!.Dispose();
        Assert.Equal(0, counter.OpenBy("b"));
    }

    [Fact]
    public async Task Concurrent_clients_never_exceed_the_cap()
    {
        var counter = new ClientConnectionCounter();
        var granted = 0;
        await Parallel.ForAsync(0, 200, TestContext.Current.CancellationToken, (_, _) =>
        {
            if (counter.TryAcquire("same", 20, out _))
            {
                Interlocked.Increment(ref granted);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(20, granted);
        Assert.Equal(20, counter.OpenBy("same"));
    }
}
