using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Limits;
using AnimeProgress.Web.Submission;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// The routes that act on work that may be someone else's, intercepted before they reach ComfyUI (issue 17 item 4):
/// <c>/interrupt</c>, <c>POST /queue</c> (delete, clear), <c>/free</c>, <c>/api/jobs/{id}/cancel</c> and
/// <c>/api/jobs/cancel</c>. A key with <c>control</c> (and an Operator's account) acts on anything, as on the
/// dashboard; a <c>submit</c> key only on prompts its own account relayed: an interrupt is then sent for its prompt
/// alone, so it stops nothing else even if the queue moved on. Every such request is audited, refused ones too.
/// </summary>
public sealed class RelayWorkActions(RelayedPrompts prompts, ProgressHub hub, RelayHttp http, RelayAccess access, AuditLog audit)
{
    private const long MaxActionBytes = 1024 * 1024;

    public async Task HandleAsync(HttpContext context, ComfyUiConnection connection, RelayRoute route)
    {
        var cancellationToken = context.RequestAborted;
        var body = await BoundedRequestBody.ReadAsync(context.Request, MaxActionBytes, cancellationToken);
        if (body is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"An action may be at most {MaxActionBytes} bytes.");
            return;
        }

        var instance = connection.Instance.Name;
        var request = RelayActionBody.Parse(body);
        var (action, targets, clear) = Read(route, request, instance);
        var mayControl = await access.MayAsync(context, ApiScope.Control);
        var owner = Submitters.Of(context.User);
        var send = body;
        if (!mayControl)
        {
            var own = !clear && targets.Count > 0 && targets.All(p => prompts.Find(instance, p) is { } relayed && relayed.Owner == owner);
            if (!own)
            {
                await WriteAuditAsync(context, action, AuditOutcomes.Refused, instance, targets, "403: needs the control scope or the submitter's own prompt");
                await RelayErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                    "A 'submit' key may act only on prompts its own account sent through the relay, and may not clear a queue or free memory; anything else needs a key with 'control'.");
                return;
            }

            // The relay writes the body itself, naming only the checked prompts: whatever else the client's body said
            // (a "clear", other ids) never reaches ComfyUI. An interrupt names its prompt, so ComfyUI stops it only
            // if it is still the running one.
            send = JsonSerializer.SerializeToUtf8Bytes(route.Route switch
            {
                "interrupt" => new JsonObject { ["prompt_id"] = targets[0] },
                "queue" => new JsonObject { ["delete"] = new JsonArray([.. targets.Select(t => (JsonNode)t)]) },
                "jobs/cancel" => new JsonObject { ["job_ids"] = new JsonArray([.. targets.Select(t => (JsonNode)t)]) },
                _ => new JsonObject(),
            });
        }

        var status = await http.PostAsync(context, connection.Instance, route.Path, send, cancellationToken);
        await WriteAuditAsync(context, action, status is >= 200 and < 300 ? AuditOutcomes.Ok : AuditOutcomes.Failed, instance, targets,
            string.Create(CultureInfo.InvariantCulture, $"/{route.Path} on {instance}: HTTP {status}"));
    }

    /// <summary>What the request acts on: the audit action, the prompts it names (for an interrupt without one, the running prompt), and whether it clears.</summary>
    private (string Action, IReadOnlyList<string> Targets, bool Clear) Read(RelayRoute route, JsonObject? request, string instance)
    {
        switch (route.Route)
        {
            case "interrupt":
                var named = RelayActionBody.Text(request?["prompt_id"]);
                return (AuditActions.JobCancel, named is not null ? [named] : RunningPrompt(instance) is { } running ? [running] : [], false);
            case "queue":
                // ComfyUI clears on any truthy value (1, "yes", …), as Python reads it.
                var clear = RelayActionBody.IsTruthy(request?["clear"]);
                return (clear ? AuditActions.QueueClear : AuditActions.JobCancel, RelayActionBody.Texts(request?["delete"]), clear);
            case "free":
                return (AuditActions.InstanceFree, [], true);
            case "jobs/cancel":
                return (AuditActions.JobCancel, RelayActionBody.Texts(request?["job_ids"]), false);
            default:
                // jobs/{id}/cancel
                var id = route.Route["jobs/".Length..^"/cancel".Length];
                return (AuditActions.JobCancel, [Uri.UnescapeDataString(id)], false);
        }
    }

    private string? RunningPrompt(string instance) =>
        hub.Jobs.FirstOrDefault(j => j.Instance == instance && j.Status == JobStatus.Running)?.PromptId;

    private async Task WriteAuditAsync(HttpContext context, string action, string outcome, string instance, IReadOnlyList<string> targets, string detail)
    {
        var target = targets.Count == 0
            ? instance
            : string.Join(",", targets.Take(20).Select(p => prompts.Find(instance, p)?.JobId.ToString(CultureInfo.InvariantCulture) ?? p));
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(context.User), action, outcome, target, "relay: " + detail, context.Connection.RemoteIpAddress?.ToString()));
    }
}
