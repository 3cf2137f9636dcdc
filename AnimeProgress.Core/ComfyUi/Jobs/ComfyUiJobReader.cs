using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.ComfyUi.Jobs;

/// <summary>
/// Reads the job API's answers (reference §9) at the boundary. A job needs a string <c>id</c> and a known
/// <c>status</c>; every other field is optional and a field of the wrong type is read as absent, so an odd server
/// (or a proxy, or a custom node) never costs more than the one job it garbled.
/// </summary>
public static class ComfyUiJobReader
{
    // The range DateTimeOffset can hold; anything outside is read as absent rather than thrown on.
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    /// <summary>One job object, or null when it has no usable id or status.</summary>
    public static ComfyUiJob? ReadJob(JsonNode? node, InputLimits? limits = null)
    {
        limits ??= new InputLimits();
        if (node is not JsonObject job || Text(job["id"]) is not { Length: > 0 } id || StatusOf(Text(job["status"])) is not { } status)
        {
            return null;
        }

        if (id.Length > limits.MaxPromptIdLength)
        {
            // A prompt id longer than any column holds cannot be matched to anything; capping it would invent another id.
            return null;
        }

        var error = job["execution_error"] as JsonObject;
        return new ComfyUiJob(
            id,
            status,
            Time(job["create_time"]),
            Time(job["execution_start_time"]),
            Time(job["execution_end_time"]),
            BoundedText.Cap(Text(error?["exception_message"])?.Trim(), limits.MaxErrorLength),
            BoundedText.Cap(Text(error?["node_type"]), limits.MaxNameLength),
            BoundedText.Cap(Text(error?["exception_type"]), limits.MaxNameLength),
            Workflow(id, job["workflow"] as JsonObject));
    }

    /// <summary><c>GET /api/jobs</c>: the readable jobs in the server's order; an answer without a <c>jobs</c> list is invalid.</summary>
    public static ComfyUiJobPage ReadPage(JsonObject root, InputLimits? limits = null)
    {
        if (root["jobs"] is not JsonArray items)
        {
            throw new InvalidDataException("GET /api/jobs did not return a \"jobs\" list");
        }

        var jobs = new List<ComfyUiJob>(items.Count);
        var skipped = 0;
        foreach (var item in items)
        {
            if (ReadJob(item, limits) is { } job)
            {
                jobs.Add(job);
            }
            else
            {
                skipped++;
            }
        }

        var total = root["pagination"] is JsonObject pagination && pagination["total"] is JsonValue t && t.TryGetValue(out long n) && n is >= 0 and <= int.MaxValue
            ? (int)n
            : (int?)null;
        return new ComfyUiJobPage(jobs, skipped, total);
    }

    /// <summary>The wire names of the job API's statuses.</summary>
    public static string Wire(ComfyUiJobStatus status) => status switch
    {
        ComfyUiJobStatus.Pending => "pending",
        ComfyUiJobStatus.InProgress => "in_progress",
        ComfyUiJobStatus.Completed => "completed",
        ComfyUiJobStatus.Failed => "failed",
        _ => "cancelled",
    };

    private static ComfyUiJobStatus? StatusOf(string? wire) => wire switch
    {
        "pending" => ComfyUiJobStatus.Pending,
        "in_progress" => ComfyUiJobStatus.InProgress,
        "completed" => ComfyUiJobStatus.Completed,
        "failed" => ComfyUiJobStatus.Failed,
        "cancelled" => ComfyUiJobStatus.Cancelled,
        _ => null,
    };

    /// <summary>The detail's <c>workflow</c> as a queue item (no number or outputs list: the job API does not give them).</summary>
    private static QueueItem? Workflow(string id, JsonObject? workflow) =>
        workflow?["prompt"] is JsonObject graph
            ? new QueueItem(0, id, (JsonObject)graph.DeepClone(), workflow["extra_data"] is JsonObject extra ? (JsonObject)extra.DeepClone() : null, [])
            : null;

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static DateTimeOffset? Time(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        double ms;
        if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double number))
        {
            ms = number;
        }
        else if (v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            ms = parsed;
        }
        else
        {
            return null;
        }

        return double.IsFinite(ms) && ms > 0 && ms <= MaxUnixMilliseconds ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;
    }
}
