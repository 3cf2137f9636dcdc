using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Core.Tracking;

/// <summary>The tracker as the ComfyUI connections see it: observations go into its channel, in order.</summary>
public sealed class TrackerInstanceObserver(ProgressTracker tracker) : IInstanceObserver
{
    public ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken) =>
        tracker.PostAsync(new InstanceObserved(observation), cancellationToken);

    public IReadOnlyList<string> ActivePromptIds(string instance) => tracker.ActivePromptIds(instance);
}
