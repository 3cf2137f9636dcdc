using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Telemetry;

namespace AnimeProgress.Web.Components.Live;

/// <summary>
/// One hub subscription per viewer, shared by every live component on the page. The layout owns
/// it and delivers each batch to all listeners inside one dispatcher call, so a viewer gets one
/// render batch per interval instead of one per component (measured in docs/benchmarks.md).
/// </summary>
public sealed class LiveFeed
{
    private Action<HubBatch>[] _listeners = [];

    /// <param name="listener">Runs on the circuit's dispatcher; may change state and call StateHasChanged.</param>
    public IDisposable Listen(Action<HubBatch> listener)
    {
        _listeners = [.. _listeners, listener];
        return new Registration(this, listener);
    }

    /// <summary>Hands a batch to every listener; call it on the circuit's dispatcher.</summary>
    public void Deliver(HubBatch batch)
    {
        foreach (var listener in _listeners)
        {
            listener(batch);
        }
    }

    /// <summary>
    /// Listens through the page's feed, or, for a component rendered on its own (tests, embedding),
    /// through its own hub subscription.
    /// </summary>
    public static IDisposable Connect(LiveFeed? feed, ProgressHub hub, TimeSpan interval, Func<Action, Task> invoke, Action<HubBatch> listener) =>
        feed is not null
            ? feed.Listen(listener)
            : hub.Subscribe(OnDispatcher(invoke, listener), interval);

    /// <summary>
    /// A hub callback that runs <paramref name="listener"/> on the circuit's dispatcher through
    /// <paramref name="invoke"/> (a component's InvokeAsync). Once the subscription is disposed (the
    /// component is gone) a batch still queued on the dispatcher is skipped rather than rendered.
    /// </summary>
    /// <param name="metrics">The page's circuit measures its renders (count, time, update age, render spans) when given.</param>
    public static Func<HubBatch, CancellationToken, ValueTask> OnDispatcher(Func<Action, Task> invoke, Action<HubBatch> listener, ViewerMetrics? metrics = null) =>
        (batch, cancellationToken) => new ValueTask(invoke(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (metrics is null)
            {
                listener(batch);
                return;
            }

            // The listeners' StateHasChanged render synchronously here, on the circuit's dispatcher.
            using var render = metrics.StartRender(batch);
            listener(batch);
        }));

    private sealed class Registration(LiveFeed feed, Action<HubBatch> listener) : IDisposable
    {
        public void Dispose() => feed._listeners = [.. feed._listeners.Where(l => l != listener)];
    }
}
