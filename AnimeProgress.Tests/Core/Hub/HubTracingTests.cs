using System.Collections.Concurrent;
using System.Diagnostics;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.Tests.Core.Hub;

/// <summary>
/// Traces follow each update to every internal subscriber but only to a few circuits, taken in turn: the cost of tracing
/// must not grow with the number of viewers (issue 19, measured at 300 viewers).
/// </summary>
public sealed class HubTracingTests : IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == JobTracing.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public HubTracingTests() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Each_update_is_traced_to_every_internal_subscriber_and_to_two_circuits_in_turn()
    {
        const int circuits = 10, updates = 24;
        var hub = new ProgressHub();
        // Per subscriber: the job ids it received with a trace, and all it received.
        var traced = new ConcurrentDictionary<int, ConcurrentBag<long>>();
        var received = new ConcurrentDictionary<int, ConcurrentBag<long>>();
        var subscriptions = new List<IDisposable>();
        for (var s = 0; s < circuits + 2; s++)
        {
            var index = s;
            traced[index] = [];
            received[index] = [];
            subscriptions.Add(hub.Subscribe((batch, _) =>
            {
                foreach (var job in batch.Jobs)
                {
                    received[index].Add(job.Id);
                    if (batch.Traces.ContainsKey(job.Id))
                    {
                        traced[index].Add(job.Id);
                    }
                }

                return ValueTask.CompletedTask;
            }, TimeSpan.Zero, subscriber: index < circuits ? HubSubscription.ViewerKind : "job-store"));
        }

        for (var id = 1; id <= updates; id++)
        {
            using var submit = JobTracing.StartSubmit();
            Assert.NotNull(submit);
            hub.Publish(new JobSnapshot { Id = id, Title = "j", Version = 1, Status = JobStatus.Running });
        }

        await WaitUntil(() => received.Values.All(r => r.Count == updates));

        // The internal subscribers (the store, the history) see every update's trace.
        Assert.All(Enumerable.Range(circuits, 2), s => Assert.Equal(updates, traced[s].Count));
        // Each update reaches exactly two circuits with its trace, and over the run every circuit was one of them.
        for (var id = 1L; id <= updates; id++)
        {
            Assert.Equal(JobTracing.ViewersTracedPerUpdate, Enumerable.Range(0, circuits).Count(s => traced[s].Contains(id)));
        }

        Assert.All(Enumerable.Range(0, circuits), s => Assert.NotEmpty(traced[s]));
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Without_a_trace_no_subscriber_gets_one()
    {
        var hub = new ProgressHub();
        var batches = new ConcurrentQueue<HubBatch>();
        using var circuit = hub.Subscribe((batch, _) => Enqueue(batches, batch), TimeSpan.Zero, subscriber: HubSubscription.ViewerKind);
        using var store = hub.Subscribe((batch, _) => Enqueue(batches, batch), TimeSpan.Zero, subscriber: "job-store");

        hub.Publish(new JobSnapshot { Id = 1, Title = "j", Version = 1, Status = JobStatus.Running });

        await WaitUntil(() => batches.Count == 2);
        Assert.All(batches, b => Assert.Empty(b.Traces));
    }

    private static ValueTask Enqueue(ConcurrentQueue<HubBatch> batches, HubBatch batch)
    {
        batches.Enqueue(batch);
        return ValueTask.CompletedTask;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
