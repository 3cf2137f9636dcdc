using System.Collections.Concurrent;

namespace AnimeProgress.Core.Previews;

/// <summary>
/// Only the latest preview per job, in memory, bounded: images over the size limit are refused,
/// and past the job limit the oldest entries go. Served over HTTP, never through a circuit.
/// </summary>
public sealed class PreviewStore
{
    public const int MaxImageBytes = 4 * 1024 * 1024;
    public const int MaxJobs = 64;

    private readonly ConcurrentDictionary<long, PreviewImage> _latest = new();

    public int Count => _latest.Count;

    /// <returns>False when the image is empty or larger than <see cref="MaxImageBytes"/>.</returns>
    public bool Put(long jobId, string mediaType, ReadOnlyMemory<byte> bytes, DateTimeOffset at)
    {
        if (bytes.IsEmpty || bytes.Length > MaxImageBytes)
        {
            return false;
        }

        // Copy: the frame buffer it came from is reused by the reader.
        _latest[jobId] = new PreviewImage(mediaType, bytes.ToArray(), at);
        if (_latest.Count > MaxJobs)
        {
            foreach (var oldest in _latest.OrderBy(p => p.Value.ReceivedAt).Take(_latest.Count - MaxJobs).ToList())
            {
                _latest.TryRemove(oldest.Key, out _);
            }
        }

        return true;
    }

    public PreviewImage? Get(long jobId) => _latest.GetValueOrDefault(jobId);

    public void Remove(long jobId) => _latest.TryRemove(jobId, out _);
}
