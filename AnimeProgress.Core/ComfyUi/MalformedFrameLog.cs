using System.Collections.Concurrent;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>Rate-limits logging of bad input: once per kind per period, counting what it held back.</summary>
public sealed class MalformedFrameLog(TimeProvider time, TimeSpan period)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset LoggedAt, int Suppressed)> _kinds = new(StringComparer.Ordinal);

    public bool ShouldLog(string kind, out int suppressed)
    {
        var now = time.GetUtcNow();
        var shouldLog = false;
        var held = 0;
        _kinds.AddOrUpdate(
            kind,
            _ =>
            {
                shouldLog = true;
                return (now, 0);
            },
            (_, entry) =>
            {
                if (now - entry.LoggedAt >= period)
                {
                    shouldLog = true;
                    held = entry.Suppressed;
                    return (now, 0);
                }

                shouldLog = false;
                return (entry.LoggedAt, entry.Suppressed + 1);
            });
        suppressed = held;
        return shouldLog;
    }
}
