using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Queue;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// The fleet relay's reads that no single instance answers: <c>/queue</c> (every online instance's running and
/// pending prompts, then the fleet queue's waiting jobs as pending) and <c>/history</c> (every online instance's,
/// merged); and where a prompt or an output file lives, for the routes that go to one instance.
/// </summary>
public sealed partial class FleetReads(
    ComfyUiFleet fleet,
    ProgressHub hub,
    FleetPrompts fleetPrompts,
    FleetQueueStore store,
    RelayHttp http,
    ILogger<FleetReads> logger)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The instance a prompt was sent to (a fleet prompt's job, or any job the hub shows under that id); null when none yet.</summary>
    public ComfyUiConnection? InstanceOfPrompt(string promptId)
    {
        var job = fleetPrompts.Find(promptId) is { JobId: > 0 } prompt ? hub.Find(prompt.JobId) : hub.Jobs.FirstOrDefault(j => j.PromptId == promptId);
        return job is { Instance: { } name, PromptId: { } id } && id == promptId ? fleet.Find(name) : null;
    }

    /// <summary>The instance that wrote the file <c>/view</c> names: learnt from fleet prompts' outputs; the only instance of a fleet of one.</summary>
    public ComfyUiConnection? InstanceOfFile(IQueryCollection query)
    {
        var type = query["type"].ToString() is { Length: > 0 } t ? t : "output";
        if (fleetPrompts.InstanceOfFile(type, query["subfolder"].ToString(), query["filename"].ToString()) is { } name)
        {
            return fleet.Find(name);
        }

        return fleet.Connections.Count == 1 ? fleet.Connections[0] : null;
    }

    public ComfyUiConnection? FirstOnline() => fleet.Connections.FirstOrDefault(c => c.IsOnline);

    /// <summary>
    /// ComfyUI's <c>/queue</c> for the fleet: each online instance's items as it gives them, and the fleet queue's
    /// waiting jobs behind them as pending items numbered after every instance's (a fleet prompt under its own id,
    /// any other waiting job as <c>fleet-job-{id}</c>, since it has no prompt id until it is sent).
    /// </summary>
    public async Task<JsonObject> QueueAsync(CancellationToken cancellationToken)
    {
        var running = new JsonArray();
        var pending = new JsonArray();
        var highest = 0.0;
        foreach (var answer in await ReadOnlineAsync("queue", cancellationToken))
        {
            foreach (var (name, target) in new[] { ("queue_running", running), ("queue_pending", pending) })
            {
                if (answer[name] is not JsonArray items)
                {
                    continue;
                }

                foreach (var item in items.ToList())
                {
                    items.Remove(item);
                    if (item is JsonArray { Count: > 0 } tuple && tuple[0] is JsonValue number && number.TryGetValue(out double n))
                    {
                        highest = Math.Max(highest, n);
                    }

                    target.Add(item);
                }
            }
        }

        var next = (long)Math.Floor(highest) + 1;
        foreach (var row in await store.WaitingAsync(cancellationToken))
        {
            pending.Add(new JsonArray(
                next++,
                FleetQueueRows.FixedPromptIdOf(row) ?? $"fleet-job-{row.JobId}",
                FleetQueueRows.Graph(row),
                Shown(FleetQueueRows.ExtraDataOf(row)),
                new JsonArray()));
        }

        return new JsonObject { ["queue_running"] = running, ["queue_pending"] = pending };
    }

    /// <summary>
    /// A waiting prompt's extra_data as others may see it: without the Comfy.org credentials a client may send with it
    /// (newer ComfyUI servers keep them out of /queue and /history too; any read key can read this queue).
    /// </summary>
    private static JsonObject Shown(JsonObject? extraData)
    {
        var shown = extraData ?? new JsonObject();
        foreach (var secret in SensitiveExtraData)
        {
            shown.Remove(secret);
        }

        return shown;
    }

    private static readonly string[] SensitiveExtraData = ["auth_token_comfy_org", "api_key_comfy_org"];

    /// <summary>ComfyUI's <c>/history</c> (with the client's query, e.g. <c>max_items</c>) of every online instance, merged.</summary>
    public async Task<JsonObject> HistoryAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var merged = new JsonObject();
        foreach (var answer in await ReadOnlineAsync(pathAndQuery, cancellationToken))
        {
            foreach (var (promptId, entry) in answer.ToList())
            {
                answer.Remove(promptId);
                merged[promptId] = entry;
            }
        }

        return merged;
    }

    private async Task<List<JsonObject>> ReadOnlineAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var reads = fleet.Connections.Where(c => c.IsOnline).Select(c => ReadAsync(c.Instance, pathAndQuery, cancellationToken));
        return [.. (await Task.WhenAll(reads)).OfType<JsonObject>()];
    }

    /// <summary>One instance's JSON answer; null (and a warning) when it does not answer with an object in time.</summary>
    private async Task<JsonObject?> ReadAsync(ComfyUiInstance instance, string pathAndQuery, CancellationToken cancellationToken)
    {
        var split = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var target = split < 0 ? RelayRoute.Target(instance.DisplayUrl, pathAndQuery, null) : RelayRoute.Target(instance.DisplayUrl, pathAndQuery[..split], pathAndQuery[split..]);
        if (target is null)
        {
            return null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Authorization = RelayHttp.BasicAuthOf(instance);
            using var response = await http.Invoker.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogReadFailed(instance.Name, target.AbsolutePath, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await JsonNode.ParseAsync(stream, cancellationToken: timeout.Token) as JsonObject;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogReadFailed(instance.Name, target.AbsolutePath, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet relay could not read {Path} of {Instance}: {Error}; the fleet's answer leaves it out")]
    private partial void LogReadFailed(string instance, string path, string error);
}
