using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Queue;
using AnimeProgress.Core.Submission;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Limits;
using AnimeProgress.Web.Submission;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// <c>POST /prompt</c> on the fleet relay: the graph is checked against every instance's node classes (a class no
/// instance has is refused as ComfyUI refuses it), then it enters the fleet queue as the key's account's job and the
/// client is answered at once with its prompt id and its place in the queue. The dispatcher sends it where it fits,
/// under that prompt id (<see cref="JobRequest.PromptId"/>); its messages reach the client on the fleet relay's socket.
/// </summary>
public sealed partial class FleetPromptRelay(
    FleetQueue queue,
    FleetQueueStore store,
    FleetCapabilities capabilities,
    FleetPrompts fleetPrompts,
    RelayedPrompts relayedPrompts,
    RelaySockets sockets,
    ProgressHub hub,
    AuditLog audit,
    IOptions<RelayOptions> options,
    IOptions<QueueOptions> queueOptions,
    ILogger<FleetPromptRelay> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await BoundedRequestBody.ReadAsync(context.Request, options.Value.MaxPromptBytes, cancellationToken);
        if (body is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"A prompt may be at most {options.Value.MaxPromptBytes} bytes through the relay ({RelayOptions.Section}:{nameof(RelayOptions.MaxPromptBytes)}).");
            return;
        }

        if (PromptRelay.TryParse(body) is not { } request)
        {
            await WriteRefusalAsync(context, "no_prompt", "No prompt provided", "No prompt provided");
            return;
        }

        var graph = (JsonObject)request["prompt"]!;
        if (await UnknownClassAsync(graph, cancellationToken) is { } unknown)
        {
            await WriteRefusalAsync(context, "invalid_prompt", unknown.Message, $"Node ID '#{unknown.NodeId}'");
            return;
        }

        var clientId = request["client_id"] is JsonValue id && id.TryGetValue(out string? text) ? text : null;
        var promptId = CanonicalOrNew(request["prompt_id"]);
        var owner = Submitters.Of(context.User);
        // A prompt id in use anywhere would hand its messages (and the right to stop it) to this client.
        var fleetPrompt = new FleetPrompt(promptId, clientId, owner);
        if (hub.Jobs.Any(j => j.PromptId == promptId) || relayedPrompts.IsRelayedAnywhere(promptId) || !fleetPrompts.TryAdd(fleetPrompt))
        {
            LogDuplicate(promptId);
            await PromptRelay.WriteDuplicateAsync(context, promptId);
            return;
        }

        // The memory above is empty after a restart, and a job waiting in the fleet queue shows no prompt id on the hub:
        // the store knows every id ever given out.
        if (await store.PromptIdTakenAsync(promptId, cancellationToken))
        {
            fleetPrompts.Remove(fleetPrompt);
            LogDuplicate(promptId);
            await PromptRelay.WriteDuplicateAsync(context, promptId);
            return;
        }

        var description = PromptDescription.Of(graph, promptId);
        var job = new JobRequest(description.Title, description.Kind, graph)
        {
            FramesTotal = description.FramesTotal,
            ExtraData = request["extra_data"] as JsonObject,
            Front = IsTruthy(request["front"]),
            SubmittedBy = owner,
            PromptId = promptId,
            // The operator's rules for a job that names no priority, as for POST /api/jobs (ComfyUI's API has none).
            Priority = DefaultPriority.For(queueOptions.Value, graph, owner),
        };

        long jobId;
        try
        {
            // Not cancelled with the request: once stored, the job is the client's whether or not it hears the answer.
            jobId = await queue.EnqueueAsync(job, CancellationToken.None);
        }
        catch (JobRefusedException ex)
        {
            fleetPrompts.Remove(fleetPrompt);
            await WriteAuditAsync(context, AuditOutcomes.Refused, promptId, $"fleet relay: refused, {ex.Message}");
            await WriteRefusalAsync(context, "invalid_prompt", ex.Message, "");
            return;
        }
        catch
        {
            // Not stored (the database failed): the id is free again.
            fleetPrompts.Remove(fleetPrompt);
            throw;
        }

        fleetPrompt.JobId = jobId;
        sockets.FleetQueueChanged();
        var number = await PositionAsync(jobId, cancellationToken);
        LogQueued(promptId, jobId, clientId, number);
        await WriteAuditAsync(context, AuditOutcomes.Ok, jobId.ToString(CultureInfo.InvariantCulture), $"fleet relay: queued as {promptId}");
        await FleetJson.WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["prompt_id"] = promptId, ["number"] = number, ["node_errors"] = new JsonObject() });
    }

    /// <summary>The client's prompt id when it is a canonical UUID (what newer ComfyUI servers take), else a new one.</summary>
    public static string CanonicalOrNew(JsonNode? given) =>
        given is JsonValue value && value.TryGetValue(out string? text)
        && Guid.TryParseExact(text, "D", out var parsed) && parsed.ToString("D") == text
            ? text
            : Guid.NewGuid().ToString("D");

    /// <summary>How many jobs wait ahead of it in the fleet queue (0: it is sent next, or already was).</summary>
    private async Task<int> PositionAsync(long jobId, CancellationToken cancellationToken)
    {
        var waiting = await store.WaitingAsync(cancellationToken);
        var index = waiting.FindIndex(r => r.JobId == jobId);
        return Math.Max(index, 0);
    }

    /// <summary>
    /// The first node (in the graph's order) whose class no instance has, in ComfyUI's words, when every instance has
    /// told its classes; null when each class is somewhere or an instance has not told yet (the queue decides then).
    /// </summary>
    private async Task<(string NodeId, string Message)?> UnknownClassAsync(JsonObject graph, CancellationToken cancellationToken)
    {
        var instances = await capabilities.CurrentAsync(cancellationToken);
        if (instances.Count == 0 || instances.Any(i => i.Catalog is null))
        {
            return null;
        }

        foreach (var (nodeId, node) in graph)
        {
            var type = node is JsonObject n && n["class_type"] is JsonValue v && v.TryGetValue(out string? t) ? t : null;
            if (type is null)
            {
                return (nodeId, "Cannot execute because a node is missing the class_type property.");
            }

            if (!instances.Any(i => i.Catalog!.NodeTypes.Contains(type)))
            {
                return (nodeId, $"Cannot execute because node {type} does not exist.");
            }
        }

        return null;
    }

    private static Task WriteRefusalAsync(HttpContext context, string type, string message, string details) =>
        FleetJson.WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject
        {
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject() },
            ["node_errors"] = new JsonObject(),
        });

    private ValueTask WriteAuditAsync(HttpContext context, string outcome, string target, string detail) =>
        audit.WriteAsync(new AuditEntry(AuditActor.Of(context.User), AuditActions.JobSubmit, outcome, target, detail, context.Connection.RemoteIpAddress?.ToString()));

    // Python's truthiness, as ComfyUI reads "front".
    private static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonValue value when value.TryGetValue(out bool flag) => flag,
        JsonValue value when value.TryGetValue(out double number) => number != 0,
        JsonValue value when value.TryGetValue(out string? text) => text.Length > 0,
        _ => true,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet relay refused prompt id {PromptId}: it is in use")]
    private partial void LogDuplicate(string promptId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet relay queued prompt {PromptId} as job {JobId} for client {ClientId} ({Ahead} ahead)")]
    private partial void LogQueued(string promptId, long jobId, string? clientId, int ahead);
}
