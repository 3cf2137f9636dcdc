using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Bench.Fuzz;

/// <summary>Hands the connection's observations to the tracker on the caller's thread, as its command loop would one by one.</summary>
internal sealed class FuzzObserver(ProgressTracker tracker) : IInstanceObserver
{
    public ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken)
    {
        tracker.Apply(observation);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<string> ActivePromptIds(string instance) => tracker.ActivePromptIds(instance);
}
