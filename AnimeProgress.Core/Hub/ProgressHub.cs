using System.Collections.Concurrent;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Telemetry;
using AnimeProgress.Core.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnimeProgress.Core.Hub;

/// <summary>
/// The current state of every job and instance, and the fan-out of changes to subscribers
/// (dashboard circuits, the persistence writer, later the WebSocket API). Publishing costs one
/// dictionary write per subscriber; all delivery work happens on the subscribers' side.
/// </summary>
public sealed class ProgressHub
{
    private readonly ConcurrentDictionary<long, JobSnapshot> _jobs = new();
    private readonly ConcurrentDictionary<string, InstanceStatus> _instances = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HubMetrics? _metrics;
    private readonly int[] _statusCounts = new int[Enum.GetValues<JobStatus>().Length];
    private HubSubscription[] _subscribers = [];
    private long _published;

    public ProgressHub(TimeProvider time, ILogger<ProgressHub>? logger = null, HubMetrics? metrics = null)
    {
        _time = time;
        _logger = logger ?? NullLogger<ProgressHub>.Instance;
        _metrics = metrics;
        metrics?.Observe(this);
    }

    public ProgressHub()
        : this(TimeProvider.System)
    {
    }

    public ICollection<JobSnapshot> Jobs => _jobs.Values;

    public ICollection<InstanceStatus> Instances => _instances.Values;

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    public long PublishedCount => Interlocked.Read(ref _published);

    public JobSnapshot? Find(long id) => _jobs.GetValueOrDefault(id);

    /// <summary>How many known jobs have this status; O(1), kept up to date on every publish.</summary>
    public int Count(JobStatus status) => Volatile.Read(ref _statusCounts[(int)status]);

    public void Publish(JobSnapshot snapshot)
    {
        bool finished;
        lock (_gate)
        {
            if (_jobs.TryGetValue(snapshot.Id, out var old))
            {
                if (old.Version > snapshot.Version)
                {
                    return;
                }

                Interlocked.Decrement(ref _statusCounts[(int)old.Status]);
            }

            _jobs[snapshot.Id] = snapshot;
            Interlocked.Increment(ref _statusCounts[(int)snapshot.Status]);

            // Seen to finish here, not restored finished: each job counts once, on the node that watched it end.
            finished = old is not null && old.Status.IsActive() && snapshot.IsTerminal;
        }

        if (finished)
        {
            _metrics?.Finished(snapshot.Status);
        }

        var published = Interlocked.Increment(ref _published);
        var trace = JobTracing.CurrentContext();
        var subscribers = Volatile.Read(ref _subscribers);
        if (trace == default || subscribers.Length == 0)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Offer(snapshot);
            }

            return;
        }

        // Every internal subscriber carries the trace on, but only a few viewers per update, taken in turn: with
        // hundreds of circuits, a delivery and a render span per circuit per update cost more than the update itself.
        var viewersTraced = 0;
        var start = (int)(published % subscribers.Length);
        for (var i = 0; i < subscribers.Length; i++)
        {
            var subscriber = subscribers[(start + i) % subscribers.Length];
            var traced = !subscriber.IsViewer || viewersTraced++ < JobTracing.ViewersTracedPerUpdate;
            subscriber.Offer(snapshot, traced ? trace : default);
        }
    }

    public void Publish(InstanceStatus status)
    {
        _instances[status.Name] = status;
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(status);
        }
    }

    /// <summary>Forgets a job (retention, a deleted row); subscribers get its id in <see cref="HubBatch.Removed"/>.</summary>
    public void Forget(long id)
    {
        lock (_gate)
        {
            if (!_jobs.TryRemove(id, out var old))
            {
                return;
            }

            Interlocked.Decrement(ref _statusCounts[(int)old.Status]);
        }

        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.OfferRemoved(id);
        }
    }

    /// <summary>Raised when a job id stops existing (two ids turned out to be one job); the store deletes its row.</summary>
    public event Action<long>? JobRetired;

    /// <summary>Forgets a job whose id is no longer valid, and tells the store so.</summary>
    public void Retire(long id)
    {
        Forget(id);
        JobRetired?.Invoke(id);
    }

    /// <param name="onBatch">Receives the newest changes and a token cancelled when the subscription is disposed; never called concurrently with itself.</param>
    /// <param name="minInterval">At most one batch per interval: the subscriber's render cap.</param>
    /// <param name="subscriber">What kind of subscriber this is, for the metrics (circuit, ws, store…).</param>
    public HubSubscription Subscribe(Func<HubBatch, CancellationToken, ValueTask> onBatch, TimeSpan minInterval, string subscriber = "other")
    {
        var subscription = new HubSubscription(onBatch, minInterval, _time, _logger, Unsubscribe)
        {
            Kind = subscriber,
            Counts = _metrics?.Subscribed(subscriber),
        };
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    private void Unsubscribe(HubSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }
}
