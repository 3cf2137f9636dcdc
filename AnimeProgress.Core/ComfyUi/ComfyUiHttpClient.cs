using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// ComfyUI's HTTP API (reference §5), for one instance. The <see cref="HttpClient"/> comes from
/// the factory with the resilience pipeline (retries for safe methods, timeouts) attached.
/// </summary>
public sealed class ComfyUiHttpClient(HttpClient http, ComfyUiInstance instance)
{
    public ComfyUiInstance Instance { get; } = instance;

    public async Task<string> SubmitAsync(
        JsonObject graph, string clientId, string promptId, JsonObject? extraData, bool front, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = graph.DeepClone(),
            ["client_id"] = clientId,
            ["prompt_id"] = promptId,
            ["extra_data"] = extraData?.DeepClone() ?? new JsonObject(),
        };
        if (front)
        {
            body["front"] = true;
        }

        using var response = await http.PostAsJsonAsync(Url("prompt"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            throw Rejected(text);
        }

        response.EnsureSuccessStatusCode();
        var answer = ParseObject(text, "POST /prompt");
        return answer["prompt_id"]?.GetValue<string>() ?? promptId;
    }

    public async Task<QueueState> GetQueueAsync(CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("queue", cancellationToken);
        return new QueueState(
            ReadItems(root["queue_running"]),
            [.. ReadItems(root["queue_pending"]).OrderBy(i => i.Number)]);
    }

    /// <summary>The history entry of one prompt, or null while it is queued, running, deleted or unknown.</summary>
    public async Task<HistoryEntry?> GetHistoryAsync(string promptId, CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("history/" + Uri.EscapeDataString(promptId), cancellationToken);
        return root[promptId] is JsonObject entry ? ReadHistory(promptId, entry) : null;
    }

    /// <summary>The newest <paramref name="maxItems"/> history entries, oldest first (ComfyUI keeps them in completion order).</summary>
    public async Task<IReadOnlyList<HistoryEntry>> GetRecentHistoryAsync(int maxItems, CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("history?max_items=" + maxItems.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var entries = new List<HistoryEntry>(root.Count);
        foreach (var (promptId, value) in root)
        {
            if (value is JsonObject entry)
            {
                entries.Add(ReadHistory(promptId, entry));
            }
        }

        return entries;
    }

    public async Task<SystemStats> GetSystemStatsAsync(CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("system_stats", cancellationToken);
        var devices = new List<DeviceStats>();
        if (root["devices"] is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
            {
                devices.Add(new DeviceStats(
                    AsString(item["name"]) ?? "device",
                    AsString(item["type"]) ?? "unknown",
                    AsLong(item["vram_total"]),
                    AsLong(item["vram_free"])));
            }
        }

        return new SystemStats(AsString(root["system"]?["comfyui_version"]), devices);
    }

    public async Task InterruptAsync(string? promptId, CancellationToken cancellationToken)
    {
        var body = promptId is null ? new JsonObject() : new JsonObject { ["prompt_id"] = promptId };
        using var response = await http.PostAsJsonAsync(Url("interrupt"), body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task DeleteFromQueueAsync(IEnumerable<string> promptIds, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["delete"] = new JsonArray([.. promptIds.Select(id => (JsonNode)id)]) };
        using var response = await http.PostAsJsonAsync(Url("queue"), body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    internal static HistoryEntry ReadHistory(string promptId, JsonObject entry)
    {
        var status = entry["status"] as JsonObject;
        var statusStr = AsString(status?["status_str"]);
        var messages = status?["messages"] as JsonArray ?? [];
        DateTimeOffset? started = null, finished = null;
        string? lastEvent = null, error = null, errorNode = null;
        foreach (var message in messages.OfType<JsonArray>())
        {
            if (message.Count < 2)
            {
                continue;
            }

            var name = AsString(message[0]);
            var data = message[1] as JsonObject;
            var ts = AsLong(data?["timestamp"]);
            var at = ts > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ts) : (DateTimeOffset?)null;
            if (name == "execution_start")
            {
                started = at;
            }
            else if (name is "execution_success" or "execution_error" or "execution_interrupted")
            {
                lastEvent = name;
                finished = at;
                if (name == "execution_error")
                {
                    error = AsString(data?["exception_message"])?.Trim();
                    errorNode = AsString(data?["node_type"]);
                }
            }
        }

        // An interrupted job is also "error"; the last message tells them apart (reference §5).
        var outcome = statusStr == "success" ? HistoryOutcome.Success
            : lastEvent == "execution_interrupted" ? HistoryOutcome.Interrupted
            : HistoryOutcome.Error;
        var prompt = entry["prompt"] is JsonArray item ? ReadItem(item) : null;
        return new HistoryEntry(promptId, outcome, error, errorNode, started, finished, prompt);
    }

    private static List<QueueItem> ReadItems(JsonNode? node)
    {
        var items = new List<QueueItem>();
        if (node is not JsonArray array)
        {
            return items;
        }

        foreach (var raw in array.OfType<JsonArray>())
        {
            if (ReadItem(raw) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    private static QueueItem? ReadItem(JsonArray raw)
    {
        if (raw.Count < 2 || AsString(raw[1]) is not { } promptId)
        {
            return null;
        }

        var number = raw[0] is JsonValue v && v.TryGetValue(out double n) ? n : 0;
        var outputs = raw.Count > 4 && raw[4] is JsonArray outs
            ? outs.Select(AsString).OfType<string>().ToList()
            : [];
        return new QueueItem(number, promptId, raw.Count > 2 ? raw[2] as JsonObject : null, raw.Count > 3 ? raw[3] as JsonObject : null, outputs);
    }

    private async Task<JsonObject> GetObjectAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Url(path), cancellationToken);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return ParseObject(text, "GET /" + path);
    }

    private static JsonObject ParseObject(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{what} did not return a JSON object");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{what} returned invalid JSON: {ex.Message}", ex);
        }
    }

    private static ComfyUiRejectedException Rejected(string text)
    {
        try
        {
            var root = JsonNode.Parse(text) as JsonObject;
            var error = root?["error"] as JsonObject;
            var message = AsString(error?["message"]) ?? "ComfyUI rejected the prompt";
            var details = AsString(error?["details"]);
            return new ComfyUiRejectedException(string.IsNullOrEmpty(details) ? message : $"{message}: {details}")
            {
                ErrorType = AsString(error?["type"]),
                NodeErrorsJson = root?["node_errors"]?.ToJsonString(),
            };
        }
        catch (JsonException)
        {
            return new ComfyUiRejectedException("ComfyUI rejected the prompt: " + text);
        }
    }

    private Uri Url(string path) => new(Instance.BaseUrl, path);

    private static string? AsString(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static long AsLong(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue(out long l) ? l
        : v.TryGetValue(out double d) && double.IsFinite(d) ? (long)d
        : v.TryGetValue(out string? s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out l) ? l
        : 0
        : 0;
}
