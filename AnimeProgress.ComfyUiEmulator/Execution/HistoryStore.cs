using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>Finished prompts in completion order, in memory only (lost on restart, like ComfyUI's).</summary>
internal sealed class HistoryStore
{
    private const int MaximumSize = 10000;
    private readonly Lock _gate = new();
    private readonly OrderedDictionary<string, JsonObject> _entries = new(StringComparer.Ordinal);

    public void Add(string promptId, JsonObject entry)
    {
        lock (_gate)
        {
            if (_entries.Count > MaximumSize)
            {
                _entries.RemoveAt(0);
            }
            _entries.Remove(promptId);
            _entries.Add(promptId, entry);
        }
    }

    /// <summary>{id: entry}, or {} for an id that is unknown, queued or running.</summary>
    public JsonObject Get(string promptId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(promptId, out var entry) ? new JsonObject { [promptId] = entry.DeepClone() } : [];
        }
    }

    /// <summary>
    /// ComfyUI's paging: with max_items and no offset, the last max_items entries; with an offset,
    /// up to max_items entries starting at that index.
    /// </summary>
    public JsonObject Query(int? maxItems, int offset)
    {
        lock (_gate)
        {
            if (offset < 0 && maxItems is { } max)
            {
                offset = _entries.Count - max;
            }
            var result = new JsonObject();
            var index = 0;
            foreach (var (id, entry) in _entries)
            {
                if (index >= offset)
                {
                    result[id] = entry.DeepClone();
                    if (maxItems is { } limit && result.Count >= limit)
                    {
                        break;
                    }
                }
                index++;
            }
            return result;
        }
    }

    public void Delete(string promptId)
    {
        lock (_gate)
        {
            _entries.Remove(promptId);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
