using System.Collections.Concurrent;
using System.Diagnostics;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Hub;

/// <summary>
/// One subscriber's mailbox. Offers are O(1) and never block the publisher: the newest snapshot
/// per job replaces an undelivered older one, and delivery runs on the thread pool one batch at a
/// time, on average at most once per <c>minInterval</c>. A slow subscriber therefore sees fewer,
/// fresher batches, never a growing backlog, and never slows the feed for anyone else.
/// <para>
/// The cap is a leaky bucket (GCRA) with room for <see cref="Burst"/> batches: a subscriber that has
/// been quiet gets the next few batches at once (a ComfyUI step arrives as two or three messages a
/// millisecond apart: progress_state, preview, progress), and only a sustained stream is held to one
/// batch per interval. A plain "one per interval" made the second message of a step wait a whole
/// interval on an otherwise quiet dashboard (docs/benchmarks.md, "Event → screen").
/// </para>
/// </summary>
public sealed class HubSubscription : IDisposable
{
    private readonly ConcurrentDictionary<long, JobSnapshot> _jobs = new();
    private readonly ConcurrentDictionary<string, InstanceStatus> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, long> _removed = new();

    // The span each waiting snapshot was published under (only while tracing records job spans).
    private readonly ConcurrentDictionary<long, ActivityContext> _traces = new();
    private readonly Func<HubBatch, CancellationToken, ValueTask> _onBatch;
    private readonly CancellationTokenSource _disposing = new();

    // One batch at a time, whether the scheduled delivery or a FlushAsync takes it.
    private readonly SemaphoreSlim _delivering = new(1, 1);
    private readonly TimeSpan _minInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<HubSubscription> _unsubscribe;
    // GCRA's theoretical arrival time: when the bucket is empty again. 0 until the first delivery.
    private long _emptyAt;
    private int _scheduled;
    private volatile bool _disposed;

    internal HubSubscription(
        Func<HubBatch, CancellationToken, ValueTask> onBatch, TimeSpan minInterval, TimeProvider time, ILogger logger, Action<HubSubscription> unsubscribe)
    {
        _onBatch = onBatch;
        _minInterval = minInterval;
        _time = time;
        _logger = logger;
        _unsubscribe = unsubscribe;
    }

    /// <summary>How many batches a quiet subscriber may take at once before the interval holds it back.</summary>
    public const int Burst = 3;

    /// <summary>What kind of subscriber this is (the metrics' <c>subscriber</c> tag).</summary>
    internal string Kind { get; init; } = "other";

    /// <summary>A viewer's circuit: there may be hundreds, so only a few of them trace each update.</summary>
    internal bool IsViewer => Kind == ViewerKind;

    /// <summary>The <see cref="Kind"/> of a dashboard circuit's subscription.</summary>
    public const string ViewerKind = "circuit";

    /// <summary>Where this subscriber's coalesced and delivered updates are counted (null without metrics).</summary>
    internal (CountSeries Coalesced, CountSeries Delivered)? Counts { get; init; }

    internal void Offer(JobSnapshot snapshot, ActivityContext trace = default)
    {
        if (trace != default)
        {
            _traces[snapshot.Id] = trace;
        }

        var replaced = false;
        _jobs.AddOrUpdate(snapshot.Id, snapshot, (_, old) =>
        {
            replaced = true;
            return old.Version > snapshot.Version ? old : snapshot;
        });
        if (replaced)
        {
            Counts?.Coalesced.Add(1);
        }

        Schedule();
    }

    internal void OfferRemoved(long id)
    {
        _jobs.TryRemove(id, out _);
        _removed[id] = id;
        Schedule();
    }

    internal void Offer(InstanceStatus status)
    {
        _instances[status.Name] = status;
        Schedule();
    }

    /// <summary>Stops delivery; a batch being taken sees its token cancelled (the token source is not disposed, so a late delivery can still read it).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _unsubscribe(this);
        _disposing.Cancel();
    }

    /// <summary>
    /// Hands over, before returning, everything offered so far: after the batch being taken (if any), what still waits
    /// goes in one more batch. A subscriber that must not lose the last changes (the store of record, which writes them)
    /// calls this before it disposes; otherwise a change published just before would be dropped undelivered.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _delivering.WaitAsync(cancellationToken);
        try
        {
            await DeliverPendingAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "A hub subscriber failed to take a batch");
        }
        finally
        {
            _delivering.Release();
        }
    }

    private void Schedule()
    {
        if (!_disposed && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _ = Task.Run(DeliverAsync);
        }
    }

    private async Task DeliverAsync()
    {
        try
        {
            var wait = WaitBeforeDelivery();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, _disposing.Token);
            }

            await _delivering.WaitAsync(_disposing.Token);
            try
            {
                if (!_disposed)
                {
                    await DeliverPendingAsync(_disposing.Token);
                }
            }
            finally
            {
                _delivering.Release();
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // Unsubscribed while waiting or delivering: nothing to report.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "A hub subscriber failed to take a batch");
        }
        finally
        {
            Volatile.Write(ref _scheduled, 0);
            if (!_jobs.IsEmpty || !_instances.IsEmpty || !_removed.IsEmpty)
            {
                Schedule();
            }
        }
    }

    // Under _delivering.
    private async Task DeliverPendingAsync(CancellationToken cancellationToken)
    {
        var jobs = Drain(_jobs);
        var deliveries = StartDeliverySpans(jobs);
        var batch = new HubBatch(jobs, Drain(_instances)) { Removed = Drain(_removed), Traces = deliveries.Contexts };
        TakeFromBucket();
        try
        {
            if (batch.Jobs.Count > 0 || batch.Instances.Count > 0 || batch.Removed.Count > 0)
            {
                Counts?.Delivered.Add(batch.Jobs.Count);
                await _onBatch(batch, cancellationToken);
            }
        }
        finally
        {
            foreach (var span in deliveries.Spans)
            {
                span.Dispose();
            }
        }
    }

    /// <summary>Zero while the bucket has room for a batch; else how long until it has.</summary>
    private TimeSpan WaitBeforeDelivery()
    {
        var emptyAt = Volatile.Read(ref _emptyAt);
        if (emptyAt == 0 || _minInterval <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Room for one more once the bucket is at most Burst - 1 intervals full.
        var allowedAt = emptyAt - IntervalTicks * (Burst - 1);
        var now = _time.GetTimestamp();
        return allowedAt <= now ? TimeSpan.Zero : TimeSpan.FromSeconds((double)(allowedAt - now) / _time.TimestampFrequency);
    }

    // Under _delivering: one batch's worth of the interval goes into the bucket.
    private void TakeFromBucket()
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _emptyAt, Math.Max(Volatile.Read(ref _emptyAt), now) + IntervalTicks);
    }

    private long IntervalTicks => (long)(_minInterval.TotalSeconds * _time.TimestampFrequency);

    /// <summary>One span per traced job in the batch, under the span its snapshot was published in; none when tracing is off.</summary>
    private (IReadOnlyDictionary<long, ActivityContext> Contexts, List<Activity> Spans) StartDeliverySpans(List<JobSnapshot> jobs)
    {
        if (_traces.IsEmpty)
        {
            return (HubBatch.NoTraces, []);
        }

        var contexts = new Dictionary<long, ActivityContext>();
        var spans = new List<Activity>();
        foreach (var job in jobs)
        {
            if (_traces.TryRemove(job.Id, out var published)
                && JobTracing.StartUnder(JobTracing.HubDelivery, published, job.Id) is { } span)
            {
                span.SetTag("animeprogress.subscriber", Kind);
                contexts[job.Id] = span.Context;
                spans.Add(span);
            }
        }

        return (contexts, spans);
    }

    private static List<T> Drain<TKey, T>(ConcurrentDictionary<TKey, T> pending)
        where TKey : notnull
    {
        var list = new List<T>(pending.Count);
        foreach (var key in pending.Keys)
        {
            if (pending.TryRemove(key, out var value))
            {
                list.Add(value);
            }
        }

        return list;
    }
}
