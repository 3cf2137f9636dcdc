using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Hub;

/// <summary>
/// The render cap (issue 15, goal 2): a quiet subscriber gets an update at once, also the second and third message of a
/// burst (a ComfyUI step is progress_state, preview and progress a millisecond apart); only a sustained stream is held
/// to one batch per interval. Time is a fake clock: nothing here waits for real time to pass.
/// </summary>
public sealed class HubRenderCapTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly List<long> _delivered = [];
    private readonly Lock _gate = new();
    private int _version;

    private int Delivered
    {
        get
        {
            lock (_gate)
            {
                return _delivered.Count;
            }
        }
    }

    private long LastDelivered
    {
        get
        {
            lock (_gate)
            {
                return _delivered.Count == 0 ? 0 : _delivered[^1];
            }
        }
    }

    private HubSubscription Subscribe(ProgressHub hub) => hub.Subscribe((batch, _) =>
    {
        lock (_gate)
        {
            _delivered.AddRange(batch.Jobs.Select(j => j.Version));
        }

        return ValueTask.CompletedTask;
    }, Interval);

    private void Publish(ProgressHub hub) =>
        hub.Publish(new JobSnapshot { Id = 1, Title = "j", Version = ++_version, Percent = _version, Status = JobStatus.Running });

    [Fact]
    public async Task A_quiet_subscriber_gets_each_message_of_a_burst_at_once_without_the_clock_moving()
    {
        var hub = new ProgressHub(_time);
        using var subscription = Subscribe(hub);

        for (var i = 1; i <= HubSubscription.Burst; i++)
        {
            Publish(hub);
            await WaitUntil(() => Delivered == i);
        }
    }

    [Fact]
    public async Task Past_the_burst_updates_wait_for_the_interval_and_arrive_coalesced_into_the_newest()
    {
        var hub = new ProgressHub(_time);
        using var subscription = Subscribe(hub);
        for (var i = 1; i <= HubSubscription.Burst; i++)
        {
            Publish(hub);
            await WaitUntil(() => Delivered == i);
        }

        Publish(hub);
        Publish(hub);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(HubSubscription.Burst, Delivered);

        _time.Advance(Interval);
        await WaitUntil(() => Delivered == HubSubscription.Burst + 1);
        lock (_gate)
        {
            Assert.Equal(_version, _delivered[^1]);
        }
    }

    [Fact]
    public async Task A_sustained_stream_gets_one_batch_per_interval_and_a_pause_refills_the_burst()
    {
        var hub = new ProgressHub(_time);
        using var subscription = Subscribe(hub);

        // Ten intervals of updates arriving every 10 ms: the burst, then one per interval.
        for (var step = 0; step < 200; step++)
        {
            Publish(hub);
            await Task.Yield();
            await WaitForIdleAsync();
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        await WaitForIdleAsync();
        // At most the burst plus one per interval (without a cap this would be about 200); fewer only if the pool lags.
        Assert.InRange(Delivered, 2, 10 + HubSubscription.Burst + 1);

        // Quiet for Burst intervals: the next burst is delivered at once again.
        // The stream's last update is delivered first (it may still be on its way); then the bucket is empty.
        _time.Advance(Interval * HubSubscription.Burst);
        await WaitUntil(() => LastDelivered == _version);
        var before = Delivered;
        for (var i = 1; i <= HubSubscription.Burst; i++)
        {
            Publish(hub);
            await WaitUntil(() => Delivered == before + i);
        }
    }

    /// <summary>Lets the thread pool run the delivery a publish scheduled, if it is due.</summary>
    private static Task WaitForIdleAsync() => Task.Delay(5, TestContext.Current.CancellationToken);

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
