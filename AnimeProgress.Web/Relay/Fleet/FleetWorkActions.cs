using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using AnimeProgress.Web.Limits;
using AnimeProgress.Web.Submission;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// The routes that act on work, on the fleet relay: <c>/interrupt</c>, <c>POST /queue</c> deletes,
/// <c>/api/jobs/{id}/cancel</c> and <c>/api/jobs/cancel</c>, by prompt id, wherever the prompt is (waiting in the fleet
/// queue, pending or running on an instance: <see cref="QueueActions.CancelAsync"/>). The access rules are the
/// instance relay's (<see cref="RelayWorkActions"/>): a <c>submit</c> key acts only on prompts its account sent through
/// the fleet relay, <c>control</c> on any prompt the fleet knows. A queue clear and <c>/free</c> act on one instance and
/// are refused here with a sentence (use that instance's relay). Every request is audited, refused ones too.
/// </summary>
public sealed class FleetWorkActions(FleetPrompts fleetPrompts, ProgressHub hub, QueueActions queueActions, RelayAccess access, AuditLog audit)
{
    private const long MaxActionBytes = 1024 * 1024;

    public async Task HandleAsync(HttpContext context, RelayRoute route)
    {
        var body = await BoundedRequestBody.ReadAsync(context.Request, MaxActionBytes, context.RequestAborted);
        if (body is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"An action may be at most {MaxActionBytes} bytes.");
            return;
        }

        var request = RelayActionBody.Parse(body);
        var owner = Submitters.Of(context.User);
        if (route.Route == "free" || (route.Route == "queue" && RelayActionBody.IsTruthy(request?["clear"])))
        {
            var action = route.Route == "free" ? AuditActions.InstanceFree : AuditActions.QueueClear;
            await WriteAuditAsync(context, action, AuditOutcomes.Refused, [], "400: acts on one instance");
            await RelayErrors.WriteAsync(context, StatusCodes.Status400BadRequest,
                $"/{route.Path} acts on one ComfyUI instance; send it to that instance's relay, /comfyui/<instance>/{route.Path} (it needs the control scope).");
            return;
        }

        var targets = Targets(route, request, owner);
        var mayControl = await access.MayAsync(context, ApiScope.Control);
        if (!mayControl && !targets.All(p => fleetPrompts.Find(p) is { } prompt && prompt.Owner == owner))
        {
            await WriteAuditAsync(context, AuditActions.JobCancel, AuditOutcomes.Refused, targets, "403: needs the control scope or the submitter's own prompt");
            await RelayErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                "A 'submit' key may act only on prompts its own account sent through the relay; anything else needs a key with 'control'.");
            return;
        }

        var cancelled = false;
        var results = new List<string>();
        foreach (var promptId in targets)
        {
            var job = JobOf(promptId);
            // ComfyUI's interrupt stops a prompt only while it runs, and its queue delete only a pending one.
            var skip = job is null
                || (route.Route == "interrupt" && job.Status != JobStatus.Running)
                || (route.Route == "queue" && job.Status == JobStatus.Running);
            if (skip)
            {
                results.Add($"{promptId}: nothing to do");
                continue;
            }

            var result = await queueActions.CancelAsync(job!.Id, CancellationToken.None);
            cancelled |= result.Succeeded;
            results.Add(string.Create(CultureInfo.InvariantCulture, $"job {job.Id}: {result.Message}"));
        }

        await WriteAuditAsync(context, AuditActions.JobCancel, cancelled ? AuditOutcomes.Ok : AuditOutcomes.Failed, targets, string.Join(" ", results));
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (route.Route.StartsWith("jobs/", StringComparison.Ordinal))
        {
            await FleetJson.WriteAsync(context, StatusCodes.Status200OK, new JsonObject { ["cancelled"] = cancelled });
        }
    }

    /// <summary>
    /// The prompts the request names. An interrupt without a prompt id names the caller's own running fleet prompts
    /// (the fleet has no single "running prompt"; for anyone else's, name it).
    /// </summary>
    private List<string> Targets(RelayRoute route, JsonObject? request, string? owner) => route.Route switch
    {
        "interrupt" when RelayActionBody.Text(request?["prompt_id"]) is { } named => [named],
        "interrupt" => [.. fleetPrompts.All.Where(p => p.Owner == owner && hub.Find(p.JobId)?.Status == JobStatus.Running).Select(p => p.PromptId)],
        "queue" => RelayActionBody.Texts(request?["delete"]),
        "jobs/cancel" => RelayActionBody.Texts(request?["job_ids"]),
        _ => [Uri.UnescapeDataString(route.Route["jobs/".Length..^"/cancel".Length])],
    };

    private JobSnapshot? JobOf(string promptId) =>
        fleetPrompts.Find(promptId) is { JobId: > 0 } prompt ? hub.Find(prompt.JobId) : hub.Jobs.FirstOrDefault(j => j.PromptId == promptId);

    private async Task WriteAuditAsync(HttpContext context, string action, string outcome, List<string> targets, string detail)
    {
        var target = targets.Count == 0
            ? "fleet"
            : string.Join(",", targets.Take(20).Select(p => JobOf(p)?.Id.ToString(CultureInfo.InvariantCulture) ?? p));
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(context.User), action, outcome, target, "fleet relay: " + detail, context.Connection.RemoteIpAddress?.ToString()));
    }
}
