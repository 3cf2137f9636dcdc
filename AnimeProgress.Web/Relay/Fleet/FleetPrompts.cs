using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Hub;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// The prompts sent through the fleet relay, by prompt id (a canonical UUID, so unique across the fleet), and the
/// output files their <c>executed</c> messages named, by file, with the instance that wrote them (what <c>/view</c> on
/// the fleet relay is routed by). Kept in memory like <see cref="RelayedPrompts"/>: an ended prompt is forgotten after
/// <see cref="RelayedPrompts.KeepEnded"/>, and at most <see cref="KnownFiles"/> files are remembered.
/// </summary>
public sealed class FleetPrompts(TimeProvider time, ProgressHub hub)
{
    public const int KnownFiles = 4096;

    private readonly ConcurrentDictionary<string, FleetPrompt> _prompts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Type, string Subfolder, string Name), string> _files = new();
    private readonly ConcurrentQueue<(string Type, string Subfolder, string Name)> _fileOrder = new();
    private DateTimeOffset _nextSweep;

    /// <summary>Adds the prompt unless its id is taken.</summary>
    public bool TryAdd(FleetPrompt prompt)
    {
        Sweep();
        prompt.AddedAt = time.GetUtcNow();
        return _prompts.TryAdd(prompt.PromptId, prompt);
    }

    public FleetPrompt? Find(string? promptId) =>
        promptId is not null && _prompts.TryGetValue(promptId, out var prompt) ? prompt : null;

    public void Remove(FleetPrompt prompt) =>
        _prompts.TryRemove(new KeyValuePair<string, FleetPrompt>(prompt.PromptId, prompt));

    public IEnumerable<FleetPrompt> All => _prompts.Values;

    /// <summary>Remembers the files of an <c>executed</c> message's output (images, gifs, audio …: every list of file entries).</summary>
    public void RememberOutputs(string instance, JsonObject? output)
    {
        foreach (var (_, value) in output ?? [])
        {
            if (value is not JsonArray entries)
            {
                continue;
            }

            foreach (var entry in entries.OfType<JsonObject>())
            {
                if (Text(entry["filename"]) is not { Length: > 0 } name)
                {
                    continue;
                }

                var key = (Text(entry["type"]) ?? "output", Text(entry["subfolder"]) ?? "", name);
                if (_files.TryAdd(key, instance))
                {
                    _fileOrder.Enqueue(key);
                    while (_fileOrder.Count > KnownFiles && _fileOrder.TryDequeue(out var oldest))
                    {
                        _files.TryRemove(oldest, out _);
                    }
                }
                else
                {
                    _files[key] = instance;
                }
            }
        }
    }

    /// <summary>The instance that wrote this file for a fleet prompt; null when no fleet prompt's output named it.</summary>
    public string? InstanceOfFile(string type, string subfolder, string name) =>
        _files.TryGetValue((type, subfolder, name), out var instance) ? instance : null;

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private void Sweep()
    {
        var now = time.GetUtcNow();
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + TimeSpan.FromMinutes(1);
        foreach (var prompt in _prompts.Values)
        {
            // Its job ended long enough ago, or the hub no longer shows it (expired from the dashboard's memory).
            var job = hub.Find(prompt.JobId);
            var ended = job is null ? now - prompt.AddedAt > TimeSpan.FromDays(1) : job.IsTerminal && now - (job.FinishedAt ?? prompt.AddedAt) > RelayedPrompts.KeepEnded;
            if (ended)
            {
                Remove(prompt);
            }
        }
    }
}
