using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Tests.Core.Hub;

public sealed class ProgressHubTests
{
    private static JobSnapshot Job(long id, long version, double percent, JobStatus status = JobStatus.Running) =>
        new() { Id = id, Title = "j", Version = version, Percent = percent, Status = status };

    [Fact]
    public async Task A_slow_subscriber_gets_the_newest_snapshot_per_job_not_a_backlog()
    {
        var hub = new ProgressHub();
        var batches = new List<HubBatch>();
        var gate = new TaskCompletionSource();
        using var subscription = hub.Subscribe(async (batch, _) =>
        {
            batches.Add(batch);
            await gate.Task;
        }, TimeSpan.Zero);

        hub.Publish(Job(1, 1, 1));
        await WaitUntil(() => batches.Count == 1);
        for (var v = 2; v <= 500; v++)
        {
            hub.Publish(Job(1, v, v / 5.0));
        }

        gate.SetResult();
        await WaitUntil(() => batches.Count == 2);
        await Task.Delay(100, TestContext.Current.CancellationToken);

        Assert.Equal(2, batches.Count);
        Assert.Equal(500, Assert.Single(batches[1].Jobs).Version);
    }

    [Fact]
    public async Task A_forgotten_job_reaches_subscribers_as_removed_and_drops_its_pending_snapshot()
    {
        var hub = new ProgressHub();
        var batches = new System.Collections.Concurrent.ConcurrentQueue<HubBatch>();
        var gate = new TaskCompletionSource();
        using var subscription = hub.Subscribe(async (batch, _) =>
        {
            batches.Enqueue(batch);
            await gate.Task;
        }, TimeSpan.Zero);

        hub.Publish(Job(1, 1, 1));
        await WaitUntil(() => batches.Count == 1);
        hub.Publish(Job(2, 1, 5));
        hub.Publish(Job(3, 1, 7));
        hub.Forget(3);
        hub.Forget(99); // never known: nothing to tell
        gate.SetResult();
        await WaitUntil(() => batches.Count == 2);

        var second = batches.Last();
        Assert.Equal([2L], second.Jobs.Select(j => j.Id));
        Assert.Equal([3L], second.Removed);
        Assert.Null(hub.Find(3));
    }

    [Fact]
    public void Status_counts_follow_every_publish()
    {
        var hub = new ProgressHub();
        hub.Publish(Job(1, 1, 0, JobStatus.Queued));
        hub.Publish(Job(2, 1, 0, JobStatus.Running));
        hub.Publish(Job(1, 2, 0, JobStatus.Running));
        hub.Publish(Job(2, 2, 100, JobStatus.Completed));
        hub.Publish(Job(2, 1, 5, JobStatus.Running)); // stale: ignored

        Assert.Equal((0, 1, 1), (hub.Count(JobStatus.Queued), hub.Count(JobStatus.Running), hub.Count(JobStatus.Completed)));
        hub.Forget(2);
        Assert.Equal(0, hub.Count(JobStatus.Completed));
    }

    [Fact]
    public async Task A_disposed_subscription_receives_nothing_more()
    {
        var hub = new ProgressHub();
        var count = 0;
        var subscription = hub.Subscribe((_, _) =>
        {
            Interlocked.Increment(ref count);
            return ValueTask.CompletedTask;
        }, TimeSpan.Zero);
        subscription.Dispose();
        hub.Publish(Job(1, 1, 1));
        await Task.Delay(100, TestContext.Current.CancellationToken);

        Assert.Equal(0, count);
        Assert.Equal(0, hub.SubscriberCount);
    }

    [Fact]
    public async Task Disposing_a_subscription_cancels_the_token_of_the_batch_being_taken()
    {
        var hub = new ProgressHub();
        var taking = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = hub.Subscribe(async (_, cancellationToken) =>
        {
            taking.TrySetResult(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }, TimeSpan.Zero);
        hub.Publish(Job(1, 1, 1));
        var token = await taking.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(token.IsCancellationRequested);

        subscription.Dispose();

        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task Flushing_a_subscription_hands_over_what_waits_after_the_batch_being_taken()
    {
        var hub = new ProgressHub();
        var batches = new System.Collections.Concurrent.ConcurrentQueue<HubBatch>();
        var gate = new TaskCompletionSource();
        using var subscription = hub.Subscribe(async (batch, _) =>
        {
            batches.Enqueue(batch);
            await gate.Task;
        }, TimeSpan.Zero);
        hub.Publish(Job(1, 1, 10));
        await WaitUntil(() => batches.Count == 1);
        hub.Publish(Job(1, 2, 100, JobStatus.Completed));

        // The first batch is still being taken: the flush waits for it, then delivers the completion itself.
        var flush = subscription.FlushAsync(TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(flush.IsCompleted);
        gate.SetResult();
        await flush.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(JobStatus.Completed, batches.SelectMany(b => b.Jobs).Last().Status);
        Assert.Equal([1L, 2L], batches.SelectMany(b => b.Jobs).Select(j => j.Version));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
