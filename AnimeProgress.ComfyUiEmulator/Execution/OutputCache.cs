using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.NodeCatalog;
using AnimeProgress.ComfyUiEmulator.Simulation;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>What a finished node left behind: its output shape, its UI dict, and the model it keeps loaded.</summary>
internal sealed record CachedOutput(MediaShape Shape, JsonObject? Ui, long ModelBytes);

/// <summary>
/// ComfyUI's "classic" cache. A node's key is its class, its literal inputs and the keys of the
/// nodes it links to (not its id), so the same work in a renumbered graph is still cached. Each
/// prompt evicts entries its own nodes do not use, so only what the previous prompt(s) kept
/// survives. Never-cached classes (SaveImageWebsocket) get a fresh key every prompt, and so does
/// everything downstream of them.
/// </summary>
internal sealed class OutputCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CachedOutput> _entries = new(StringComparer.Ordinal);

    /// <summary>Computes every node's key for this prompt and drops entries no node of it uses.</summary>
    public IReadOnlyDictionary<string, string> BeginPrompt(PromptGraph graph, KnownNodes nodes)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        string KeyOf(string id)
        {
            if (keys.TryGetValue(id, out var known))
            {
                return known;
            }
            if (graph.Find(id) is not { } node || !visiting.Add(id))
            {
                return "missing:" + id;
            }
            var text = new StringBuilder(node.ClassType ?? "?");
            foreach (var (name, value) in node.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                text.Append('|').Append(name).Append('=');
                text.Append(NodeLink.TryParse(value, out var link) ? $"@{KeyOf(link.SourceId)}:{link.Slot}" : value?.ToJsonString() ?? "null");
            }
            if (nodes.Find(node.ClassType)?.NeverCached == true)
            {
                text.Append("|changed=").Append(nonce);
            }
            visiting.Remove(id);
            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
            keys[id] = key;
            return key;
        }

        foreach (var node in graph.Nodes)
        {
            KeyOf(node.Id);
        }
        lock (_gate)
        {
            var used = keys.Values.ToHashSet(StringComparer.Ordinal);
            foreach (var stale in _entries.Keys.Where(k => !used.Contains(k)).ToList())
            {
                _entries.Remove(stale);
            }
        }
        return keys;
    }

    public CachedOutput? Find(string key)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(key);
        }
    }

    public void Store(string key, CachedOutput output)
    {
        lock (_gate)
        {
            _entries[key] = output;
        }
    }

    /// <summary>POST /free {"free_memory": true} resets the executor's caches.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
