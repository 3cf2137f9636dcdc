using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Tests.Support;

/// <summary>Hands a connection's observations straight to a tracker, on the caller's thread (the real one queues them).</summary>
internal sealed class SyncTrackerObserver(ProgressTracker tracker) : IInstanceObserver
{
    public List<InstanceObservation> Seen { get; } = [];

    public ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken)
    {
        Seen.Add(observation);
        tracker.Apply(observation);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<string> ActivePromptIds(string instance) => tracker.ActivePromptIds(instance);
}
