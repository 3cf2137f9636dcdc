using System.Collections.Concurrent;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// Serializes each published snapshot once for all clients: the hub hands the same snapshot
/// instance to every subscriber, so the frame is keyed by reference. Its timestamp is the moment
/// the first client's update was produced.
/// </summary>
public sealed class SnapshotFrameCache(TimeProvider time)
{
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<long, Entry> _frames = new();

    public byte[] ProgressUpdate(JobSnapshot snapshot)
    {
        if (_frames.TryGetValue(snapshot.Id, out var entry) && ReferenceEquals(entry.Snapshot, snapshot))
        {
            return entry.Frame;
        }

        var frame = ServerFrames.ProgressUpdate(snapshot, time.GetUtcNow());
        if (_frames.Count >= MaxEntries)
        {
            // Jobs come and go for ever; dropping the lot now and then bounds memory at the cost of a few re-serializations.
            _frames.Clear();
        }

        _frames[snapshot.Id] = new Entry(snapshot, frame);
        return frame;
    }

    private sealed record Entry(JobSnapshot Snapshot, byte[] Frame);
}
