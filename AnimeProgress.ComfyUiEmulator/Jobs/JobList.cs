using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Execution;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.Jobs;

/// <summary>The newer server's job statuses (jobs.JobStatus).</summary>
internal static class JobStatus
{
    public const string Pending = "pending";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = [Pending, InProgress, Completed, Failed, Cancelled];
}

/// <summary>
/// Queue items and history entries as jobs (jobs.normalize_queue_item / normalize_history_item / get_all_jobs / get_job):
/// absent fields are pruned, a history "error" is cancelled when its messages hold execution_interrupted.
/// </summary>
internal static class JobList
{
    public static JsonObject FromQueueItem(QueueItem item, string status, bool includeWorkflow)
    {
        var job = Pruned(
            ("id", item.PromptId),
            ("status", status),
            ("priority", item.Number.DeepClone()),
            ("create_time", item.ExtraData["create_time"]?.DeepClone()),
            ("outputs_count", 0),
            ("previewable_outputs_count", 0),
            ("workflow_id", WorkflowId(item.ExtraData)));
        if (includeWorkflow)
        {
            job["workflow"] = new JsonObject { ["prompt"] = item.Prompt.DeepClone(), ["extra_data"] = item.ExtraData.DeepClone() };
        }
        return job;
    }

    public static JsonObject FromHistory(string promptId, JsonObject entry, bool includeOutputs)
    {
        var prompt = entry["prompt"]!.AsArray();
        var extraData = prompt[3] as JsonObject ?? [];
        var statusInfo = entry["status"] as JsonObject;
        var outputs = entry["outputs"] as JsonObject ?? [];
        var (outputsCount, preview) = JobOutputs.Summary(outputs);

        JsonNode? error = null, start = null, end = null;
        var interrupted = false;
        foreach (var message in statusInfo?["messages"] as JsonArray ?? [])
        {
            if (message is not JsonArray { Count: >= 2 } pair || pair[1] is not JsonObject data)
            {
                continue;
            }
            switch (PyJson.Str(pair[0]))
            {
                case "execution_start":
                    start = data["timestamp"];
                    break;
                case "execution_success":
                    end = data["timestamp"];
                    break;
                case "execution_error":
                    end = data["timestamp"];
                    error = data;
                    break;
                case "execution_interrupted":
                    end = data["timestamp"];
                    interrupted = true;
                    break;
            }
        }
        var status = PyJson.Str(statusInfo?["status_str"]) == "error"
            ? (interrupted ? JobStatus.Cancelled : JobStatus.Failed)
            : JobStatus.Completed;

        var job = Pruned(
            ("id", promptId),
            ("status", status),
            ("priority", prompt[0]?.DeepClone()),
            ("create_time", extraData["create_time"]?.DeepClone()),
            ("execution_start_time", start?.DeepClone()),
            ("execution_end_time", end?.DeepClone()),
            ("execution_error", error?.DeepClone()),
            ("outputs_count", outputsCount),
            ("previewable_outputs_count", JobOutputs.PreviewableCount(outputs)),
            ("preview_output", preview),
            ("workflow_id", WorkflowId(extraData)));
        if (includeOutputs)
        {
            job["outputs"] = JobOutputs.Normalized(outputs);
            job["execution_status"] = statusInfo?.DeepClone();
            job["workflow"] = new JsonObject { ["prompt"] = prompt[2]?.DeepClone(), ["extra_data"] = extraData.DeepClone() };
        }
        return job;
    }

    /// <summary>get_all_jobs: running, pending, then history, filtered, stably sorted, then offset and limit.</summary>
    public static (List<JsonObject> Jobs, int Total) All(
        IReadOnlyList<QueueItem> running, IReadOnlyList<QueueItem> pending, JsonObject history,
        IReadOnlyCollection<string>? statuses, string? workflowId, string sortBy, string sortOrder, int? limit, int offset)
    {
        statuses ??= JobStatus.All;
        var jobs = new List<JsonObject>();
        if (statuses.Contains(JobStatus.InProgress))
        {
            jobs.AddRange(running.Select(i => FromQueueItem(i, JobStatus.InProgress, includeWorkflow: false)));
        }
        if (statuses.Contains(JobStatus.Pending))
        {
            jobs.AddRange(pending.Select(i => FromQueueItem(i, JobStatus.Pending, includeWorkflow: false)));
        }
        if (statuses.Any(s => s is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled))
        {
            foreach (var (id, entry) in history)
            {
                var job = FromHistory(id, entry!.AsObject(), includeOutputs: false);
                if (statuses.Contains(PyJson.Str(job["status"])))
                {
                    jobs.Add(job);
                }
            }
        }
        if (!string.IsNullOrEmpty(workflowId))
        {
            jobs = [.. jobs.Where(j => j["workflow_id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == workflowId)];
        }
        Func<JsonObject, double> key = sortBy == "execution_duration" ? Duration : j => Number(j["create_time"]);
        jobs = sortOrder == "desc" ? [.. jobs.OrderByDescending(key)] : [.. jobs.OrderBy(key)];
        var total = jobs.Count;
        IEnumerable<JsonObject> page = jobs.Skip(offset);
        if (limit is { } take)
        {
            page = page.Take(take);
        }
        return ([.. page], total);
    }

    /// <summary>get_job: history first, then the running prompt, then the pending ones; null when unknown.</summary>
    public static JsonObject? One(string promptId, IReadOnlyList<QueueItem> running, IReadOnlyList<QueueItem> pending, JsonObject history)
    {
        if (history[promptId] is JsonObject entry)
        {
            return FromHistory(promptId, entry, includeOutputs: true);
        }
        if (running.FirstOrDefault(i => i.PromptId == promptId) is { } current)
        {
            return FromQueueItem(current, JobStatus.InProgress, includeWorkflow: true);
        }
        return pending.FirstOrDefault(i => i.PromptId == promptId) is { } waiting ? FromQueueItem(waiting, JobStatus.Pending, includeWorkflow: true) : null;
    }

    private static double Duration(JsonObject job)
    {
        var start = Number(job["execution_start_time"]);
        var end = Number(job["execution_end_time"]);
        return start != 0 && end != 0 ? end - start : 0;
    }

    private static double Number(JsonNode? node) => PyJson.TryGetDouble(node, out var value) ? value : 0;

    private static JsonNode? WorkflowId(JsonObject extraData) =>
        extraData["extra_pnginfo"] is JsonObject info && info["workflow"] is JsonObject workflow ? workflow["id"]?.DeepClone() : null;

    /// <summary>prune_dict: keys whose value is None are left out.</summary>
    private static JsonObject Pruned(params (string Key, JsonNode? Value)[] fields)
    {
        var job = new JsonObject();
        foreach (var (key, value) in fields)
        {
            if (value is not null)
            {
                job[key] = value;
            }
        }
        return job;
    }
}
