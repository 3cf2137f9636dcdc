using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi.Jobs;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// ComfyUI's HTTP API (reference §5), for one instance. The <see cref="HttpClient"/> comes from
/// the factory with the resilience pipeline (retries for safe methods, timeouts) attached. Bodies are read with a
/// size cap (<see cref="ComfyUiOptions.MaxResponseBytes"/>, <see cref="ComfyUiOptions.MaxSystemStatsBytes"/>): a bigger
/// answer is refused with a clear error instead of being buffered, and the strings kept from it are capped.
/// <c>/queue</c> is the exception: it is streamed, so its length is unlimited and the cap applies to each prompt in it.
/// </summary>
public sealed class ComfyUiHttpClient(
    HttpClient http, ComfyUiInstance instance, ComfyUiOptions? options = null, InputLimits? limits = null, TimeProvider? time = null)
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 256, AllowDuplicateProperties = false };

    private readonly ComfyUiOptions _options = options ?? new ComfyUiOptions();
    private readonly InputLimits _limits = limits ?? new InputLimits();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ComfyUiInstance Instance { get; } = instance;

    public async Task<string> SubmitAsync(
        JsonObject graph, string clientId, string promptId, JsonObject? extraData, bool front, CancellationToken cancellationToken)
    {
        var extra = extraData?.DeepClone() as JsonObject ?? new JsonObject();
        // When the job was made, in epoch ms, as newer servers stamp it (reference §9; they overwrite it with their own
        // clock). 0.3.64 keeps unknown extra_data keys as given, so its /queue and /history then carry it too; a
        // caller's own value is left alone.
        if (!extra.ContainsKey("create_time"))
        {
            extra["create_time"] = _time.GetUtcNow().ToUnixTimeMilliseconds();
        }

        var body = new JsonObject
        {
            ["prompt"] = graph.DeepClone(),
            ["client_id"] = clientId,
            ["prompt_id"] = promptId,
            ["extra_data"] = extra,
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
        // Streamed prompt by prompt: a long queue is never held whole, as text or as a tree (QueueAnswerReader).
        using var response = await http.GetAsync(Url("queue"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await QueueAnswerReader.ReadAsync(stream, _options.MaxResponseBytes, _limits, cancellationToken);
    }

    /// <summary>The history entry of one prompt, or null while it is queued, running, deleted or unknown.</summary>
    public async Task<HistoryEntry?> GetHistoryAsync(string promptId, CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("history/" + Uri.EscapeDataString(promptId), _options.MaxResponseBytes, cancellationToken);
        return root[promptId] is JsonObject entry ? ReadHistory(promptId, entry, _limits) : null;
    }

    /// <summary>The newest <paramref name="maxItems"/> history entries, oldest first (ComfyUI keeps them in completion order).</summary>
    public async Task<IReadOnlyList<HistoryEntry>> GetRecentHistoryAsync(int maxItems, CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("history?max_items=" + maxItems.ToString(CultureInfo.InvariantCulture), _options.MaxResponseBytes, cancellationToken);
        var entries = new List<HistoryEntry>(root.Count);
        foreach (var (promptId, value) in root)
        {
            if (value is JsonObject entry)
            {
                entries.Add(ReadHistory(BoundedText.Cap(promptId, _limits.MaxPromptIdLength)!, entry, _limits));
            }
        }

        return entries;
    }

    public async Task<SystemStats> GetSystemStatsAsync(CancellationToken cancellationToken)
    {
        var root = await GetObjectAsync("system_stats", _options.MaxSystemStatsBytes, cancellationToken);
        var devices = new List<DeviceStats>();
        if (root["devices"] is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
            {
                devices.Add(new DeviceStats(
                    BoundedText.Cap(AsString(item["name"]), _limits.MaxNameLength) ?? "device",
                    BoundedText.Cap(AsString(item["type"]), _limits.MaxNameLength) ?? "unknown",
                    AsLong(item["vram_total"]),
                    AsLong(item["vram_free"])));
            }
        }

        return new SystemStats(BoundedText.Cap(AsString(root["system"]?["comfyui_version"]), _limits.MaxNameLength), devices);
    }

    /// <summary>The node types and model files the instance offers (<c>GET /object_info</c>, read under <see cref="ComfyUiOptions.MaxResponseBytes"/>).</summary>
    public async Task<NodeCatalog> GetNodeCatalogAsync(CancellationToken cancellationToken) =>
        NodeCatalog.Read(await GetObjectAsync("object_info", _options.MaxResponseBytes, cancellationToken), _limits);

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

    /// <summary>
    /// Whether the instance has the newer job API: <c>GET /api/jobs?limit=1</c> (the cheapest list there is) answering
    /// 200 with a <c>jobs</c> list says yes, 404 or 405 says no (0.3.64 has no such route), anything else (5xx, a
    /// timeout, a proxy's HTML) says nothing and null is returned, so one bad answer never turns a feature off.
    /// </summary>
    public async Task<bool?> ProbeJobsApiAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Url("api/jobs?limit=1"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        try
        {
            var body = await ReadCappedAsync(response.Content, _options.MaxResponseBytes, "GET /api/jobs", cancellationToken);
            return JsonNode.Parse(body.Span, documentOptions: Strict) is JsonObject root && root["jobs"] is JsonArray ? true : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// One job from the newer job API (<c>GET /api/jobs/{id}</c>): its status (cancelled included), times, error and
    /// workflow; null when the server does not know the id (404: deleted while pending, or lost with a restart).
    /// </summary>
    public async Task<ComfyUiJob?> GetJobAsync(string promptId, CancellationToken cancellationToken)
    {
        var path = "api/jobs/" + Uri.EscapeDataString(promptId);
        using var response = await http.GetAsync(Url(path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var root = ParseCapped(await ReadCappedAsync(response.Content, _options.MaxResponseBytes, "GET /" + path, cancellationToken), path);
        var job = ComfyUiJobReader.ReadJob(root, _limits) ?? throw new InvalidDataException($"GET /{path} did not describe a job");
        return job.Id == promptId ? job : throw new InvalidDataException($"GET /{path} described another job");
    }

    /// <summary>
    /// A page of the job API's list (<c>GET /api/jobs</c>) with the given statuses, newest created first; unreadable
    /// items are skipped and counted, never fatal to the page.
    /// </summary>
    public async Task<ComfyUiJobPage> GetJobsAsync(IReadOnlyCollection<ComfyUiJobStatus> statuses, int limit, CancellationToken cancellationToken)
    {
        var status = string.Join(",", statuses.Select(ComfyUiJobReader.Wire));
        var root = await GetObjectAsync(
            string.Create(CultureInfo.InvariantCulture, $"api/jobs?status={status}&sort_by=created_at&sort_order=desc&limit={limit}"),
            _options.MaxResponseBytes,
            cancellationToken);
        return ComfyUiJobReader.ReadPage(root, _limits);
    }

    /// <summary>
    /// Cancels one job through the newer job API (<c>POST /api/jobs/{id}/cancel</c>): a pending one is dequeued, a
    /// running one interrupted only if it still runs, in one call and atomically on the server. True when the server
    /// says it cancelled something; false for a job that had already ended or that it does not know.
    /// </summary>
    public async Task<bool> CancelJobAsync(string promptId, CancellationToken cancellationToken)
    {
        var path = "api/jobs/" + Uri.EscapeDataString(promptId) + "/cancel";
        using var response = await http.PostAsync(Url(path), content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
        var root = ParseCapped(await ReadCappedAsync(response.Content, _options.MaxResponseBytes, "POST /" + path, cancellationToken), path);
        return root["cancelled"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
    }

    internal static HistoryEntry ReadHistory(string promptId, JsonObject entry, InputLimits? limits = null)
    {
        limits ??= new InputLimits();
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
                    error = BoundedText.Cap(AsString(data?["exception_message"])?.Trim(), limits.MaxErrorLength);
                    errorNode = BoundedText.Cap(AsString(data?["node_type"]), limits.MaxNameLength);
                }
            }
        }

        // An interrupted job is also "error"; the last message tells them apart (reference §5).
        var outcome = statusStr == "success" ? HistoryOutcome.Success
            : lastEvent == "execution_interrupted" ? HistoryOutcome.Interrupted
            : HistoryOutcome.Error;
        var prompt = entry["prompt"] is JsonArray item ? ReadItem(item, limits) : null;
        // extra_data.create_time: stamped by newer servers, and kept by 0.3.64 when the submitter sent it (AnimeProgress does).
        var createTime = entry["prompt"] is JsonArray { Count: > 3 } raw && raw[3] is JsonObject extra ? AsLong(extra["create_time"]) : 0;
        return new HistoryEntry(promptId, outcome, error, errorNode, started, finished, prompt)
        {
            CreatedAt = createTime is > 0 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(createTime) : null,
        };
    }

    private static QueueItem? ReadItem(JsonArray raw, InputLimits limits)
    {
        if (raw.Count < 2 || AsString(raw[1]) is not { } promptId)
        {
            return null;
        }

        var number = raw[0] is JsonValue v && v.TryGetValue(out double n) ? n : 0;
        var outputs = raw.Count > 4 && raw[4] is JsonArray outs
            ? outs.Select(AsString).OfType<string>().ToList()
            : [];
        return new QueueItem(number, BoundedText.Cap(promptId, limits.MaxPromptIdLength)!, raw.Count > 2 ? raw[2] as JsonObject : null, raw.Count > 3 ? raw[3] as JsonObject : null, outputs);
    }

    private async Task<JsonObject> GetObjectAsync(string path, int maxBytes, CancellationToken cancellationToken)
    {
        // Headers first: the body is read here, under the cap, never buffered whole by HttpClient.
        using var response = await http.GetAsync(Url(path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await ReadCappedAsync(response.Content, maxBytes, "GET /" + path, cancellationToken);
        try
        {
            return JsonNode.Parse(body.Span, documentOptions: Strict) as JsonObject
                ?? throw new InvalidDataException($"GET /{path} did not return a JSON object");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"GET /{path} returned invalid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The body, or a clear error once it passes <paramref name="maxBytes"/> (announced or streamed).</summary>
    internal static async Task<ReadOnlyMemory<byte>> ReadCappedAsync(HttpContent content, int maxBytes, string what, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } announced && announced > maxBytes)
        {
            throw TooLarge(what, maxBytes);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(what, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static JsonObject ParseCapped(ReadOnlyMemory<byte> body, string path)
    {
        try
        {
            return JsonNode.Parse(body.Span, documentOptions: Strict) as JsonObject
                ?? throw new InvalidDataException($"/{path} did not return a JSON object");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"/{path} returned invalid JSON: {ex.Message}", ex);
        }
    }

    private static InvalidDataException TooLarge(string what, int maxBytes) =>
        new($"{what} answered more than {maxBytes} bytes (AnimeProgress:ComfyUi's size cap); the answer was not read.");

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
