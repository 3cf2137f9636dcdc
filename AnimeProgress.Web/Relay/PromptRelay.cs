using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Submission;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Limits;
using AnimeProgress.Web.Submission;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// <c>POST /prompt</c> through the relay: the body goes to the instance as the client wrote it, except that
/// <c>client_id</c> becomes AnimeProgress's (so every message of the job reaches the tracker) and a prompt id is
/// added when the client sent none (so the job is known before its first message). ComfyUI's answer, its status and
/// its body, goes back unchanged. The job is tracked in full, under the key's owner, like one submitted on the dashboard.
/// </summary>
public sealed partial class PromptRelay(
    RelayHttp http,
    RelayedPrompts prompts,
    Fleet.FleetPrompts fleetPrompts,
    ProgressTracker tracker,
    ProgressHub hub,
    AuditLog audit,
    IOptions<RelayOptions> options,
    ILogger<PromptRelay> logger)
{
    public async Task HandleAsync(HttpContext context, ComfyUiConnection connection, string path)
    {
        var cancellationToken = context.RequestAborted;
        var body = await BoundedRequestBody.ReadAsync(context.Request, options.Value.MaxPromptBytes, cancellationToken);
        if (body is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"A prompt may be at most {options.Value.MaxPromptBytes} bytes through the relay ({RelayOptions.Section}:{nameof(RelayOptions.MaxPromptBytes)}).");
            return;
        }

        var request = TryParse(body);
        if (request is not { } parsed)
        {
            // Not something AnimeProgress can follow: ComfyUI answers it (with its own error), untouched.
            await http.PostAsync(context, connection.Instance, path, body, cancellationToken);
            return;
        }

        var clientId = parsed["client_id"] is JsonValue id && id.TryGetValue(out string? text) ? text : null;
        var promptId = parsed["prompt_id"] is JsonValue given && given.TryGetValue(out string? givenId) ? givenId : Guid.NewGuid().ToString("D");
        parsed["prompt_id"] = promptId;
        parsed["client_id"] = connection.ClientId;

        var jobId = await tracker.NextJobIdAsync(cancellationToken);
        var owner = Submitters.Of(context.User);
        var relayed = new RelayedPrompt(connection.Instance.Name, promptId, clientId, jobId, owner);
        var description = PromptDescription.Of((JsonObject)parsed["prompt"]!, promptId);
        // A prompt id already in use would hand its messages (and the right to stop it) to this client: refused, in
        // the words a newer ComfyUI uses for a prompt id it does not take.
        if (hub.Jobs.Any(j => j.PromptId == promptId) || fleetPrompts.Find(promptId) is not null || !prompts.TryAdd(relayed))
        {
            LogDuplicate(connection.Instance.Name, promptId);
            await WriteDuplicateAsync(context, promptId);
            return;
        }

        tracker.Register(jobId, new JobRegistration(description.Title, description.Kind, connection.Instance.Name, promptId, (JsonObject)parsed["prompt"]!, description.FramesTotal)
        {
            SubmittedBy = owner,
        });

        // Not cancelled with the request: the tracker holds the job now, so ComfyUI's answer must be learned either way.
        var status = await http.PostAsync(context, connection.Instance, path, JsonSerializer.SerializeToUtf8Bytes(parsed), CancellationToken.None);
        var accepted = status == StatusCodes.Status200OK;
        if (status == StatusCodes.Status502BadGateway)
        {
            LogUnreachable(connection.Instance.Name, promptId);
        }

        if (accepted)
        {
            await tracker.PostAsync(new SubmissionAccepted(jobId), CancellationToken.None);
            LogRelayed(connection.Instance.Name, promptId, jobId, clientId);
        }
        else
        {
            prompts.Remove(relayed);
            await tracker.PostAsync(new SubmissionFailed(jobId, string.Create(CultureInfo.InvariantCulture, $"Submission failed: ComfyUI answered {status}")), CancellationToken.None);
        }

        await audit.WriteAsync(new AuditEntry(
            AuditActor.Of(context.User), AuditActions.JobSubmit, accepted ? AuditOutcomes.Ok : AuditOutcomes.Failed,
            jobId.ToString(CultureInfo.InvariantCulture),
            accepted ? $"relayed to {connection.Instance.Name} as {promptId}" : string.Create(CultureInfo.InvariantCulture, $"relayed to {connection.Instance.Name}: HTTP {status}"),
            context.Connection.RemoteIpAddress?.ToString()));
    }

    internal static async Task WriteDuplicateAsync(HttpContext context, string promptId)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        var error = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["type"] = "invalid_prompt_id",
                ["message"] = "Prompt id is already in use",
                ["details"] = $"prompt_id '{promptId}' names a prompt that exists; send a new one or none.",
                ["extra_info"] = new JsonObject(),
            },
            ["node_errors"] = new JsonObject(),
        };
        await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    /// <summary>The body as a prompt request AnimeProgress can follow: an object whose <c>prompt</c> is an object.</summary>
    internal static JsonObject? TryParse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 }) is JsonObject root
                && root["prompt"] is JsonObject
                && root["client_id"] is null or JsonValue
                && root["prompt_id"] is null or JsonValue
                ? root
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay refused prompt id {PromptId} on {Instance}: it is in use")]
    private partial void LogDuplicate(string instance, string promptId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relayed prompt {PromptId} to {Instance} as job {JobId} for client {ClientId}")]
    private partial void LogRelayed(string instance, string promptId, long jobId, string? clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay could not reach {Instance} for prompt {PromptId}")]
    private partial void LogUnreachable(string instance, string promptId);
}
