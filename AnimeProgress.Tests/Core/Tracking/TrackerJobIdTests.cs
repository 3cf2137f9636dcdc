using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>The tracker's loop awaits the id source (a database round trip with PostgreSQL); it never asks it to block.</summary>
public sealed class TrackerJobIdTests
{
    [Fact]
    public async Task Prompts_discovered_in_a_queue_get_ids_the_loop_awaited_while_it_kept_no_thread_blocked()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var hub = new ProgressHub(time);
        var ids = new AwaitedIds();
        using var tracker = TrackerHarness.NewTracker(hub, time, ids: ids);
        await tracker.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var queue = new QueueState(
                [new QueueItem(1, "other-running", Graphs.Txt2Img(), null, [])],
                [new QueueItem(2, "other-pending", Graphs.Txt2Img(), null, [])]);
            tracker.Post(new InstanceObserved(new InstanceReconciled("gpu-1", queue, new Dictionary<string, HistoryEntry?>(), time.GetUtcNow())));

            // The reservation is under way and not answered: nothing is published yet, and posting still works.
            await Eventually.True(() => ids.Waiting >= 1, what: "the loop awaiting an id");
            Assert.Empty(hub.Jobs);

            ids.Answer(1000);
            await Eventually.True(() => hub.Jobs.Count == 2, what: "both discovered prompts published");
            Assert.Equal([1000L, 1001L], hub.Jobs.Select(j => j.Id).Order());
            Assert.Equal(0, ids.SynchronousCalls);
        }
        finally
        {
            await tracker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Ids that arrive when the test says so; a synchronous call is counted (the loop must not make one).</summary>
    private sealed class AwaitedIds : IJobIdSource
    {
        private readonly Lock _gate = new();
        private readonly Queue<TaskCompletionSource<long>> _waiting = new();
        private long _next;
        private bool _answering;

        public int SynchronousCalls { get; private set; }

        public int Waiting
        {
            get
            {
                lock (_gate)
                {
                    return _waiting.Count;
                }
            }
        }

        public long Next()
        {
            SynchronousCalls++;
            return -1;
        }

        public ValueTask<long> NextAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_answering)
                {
                    return ValueTask.FromResult(_next++);
                }

                var pending = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(pending);
                return new ValueTask<long>(pending.Task);
            }
        }

        public void Answer(long first)
        {
            lock (_gate)
            {
                _next = first;
                _answering = true;
                while (_waiting.TryDequeue(out var pending))
                {
                    pending.SetResult(_next++);
                }
            }
        }

        public void Seen(long id)
        {
        }
    }
}
