using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Api.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>GET /api/instances: the ComfyUI machines, as the fleet connections last saw them; and each one's untracked queue.</summary>
internal static class InstanceEndpoints
{
    public static void MapInstanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/instances", (ProgressHub hub) => List(hub))
            .WithName("ListInstances")
            .WithSummary("ComfyUI instances: online or not, since when, queue length, GPU memory");
        api.MapGet("/instances/{name}/queue", Queue)
            .WithName("ListUntrackedQueue")
            .WithSummary("Prompts queued on an instance beyond the cap of followed jobs, in queue order, paged")
            .WithDescription("The jobs AnimeProgress follows are listed by /api/jobs?status=queued&instance={name}; "
                + "prompts beyond AnimeProgress:Tracking:MaxActiveJobsPerInstance are listed here (offset/limit or page/pageSize).");
    }

    private static Ok<InstanceList> List(ProgressHub hub) => TypedResults.Ok(new InstanceList
    {
        Instances = [.. hub.Instances.OrderBy(i => i.Name, StringComparer.Ordinal).Select(i => new WireInstance
        {
            Name = i.Name,
            // Statuses may come from rows written before user info was dropped: strip it here too.
            BaseUrl = ComfyUiInstance.WithoutUserInfo(i.BaseUrl).ToString(),
            Degraded = i.Degraded,
            Online = i.Online,
            Since = WireTime.Format(i.Since),
            LastError = i.LastError,
            QueueRemaining = i.QueueRemaining,
            UntrackedQueued = i.UntrackedQueued,
            ReconnectAttempt = i.ReconnectAttempt,
            NextRetryAt = WireTime.Format(i.NextRetryAt),
            ComfyUiVersion = i.ComfyUiVersion,
            Devices = [.. i.Devices.Select(d => new WireDevice { Name = d.Name, Type = d.Type, VramTotal = d.VramTotal, VramFree = d.VramFree })],
        })],
    });

    private static Results<Ok<InstanceQueuePage>, ValidationProblem, ProblemHttpResult> Queue(
        string name, ProgressHub hub, ProgressTracker tracker, IOptions<ApiOptions> options, int? page, int? pageSize, int? offset, int? limit)
    {
        var (paging, errors) = Paging.Parse(page, pageSize, offset, limit, options.Value.DefaultPageSize, options.Value.MaxPageSize);
        if (paging is not { } p)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid query");
        }

        if (!hub.Instances.Any(i => i.Name == name))
        {
            return TypedResults.Problem(
                $"No ComfyUI instance is named '{name}'; GET /api/instances lists them.", statusCode: StatusCodes.Status404NotFound, title: "Instance not found");
        }

        var prompts = tracker.UntrackedQueue(name);
        return TypedResults.Ok(new InstanceQueuePage
        {
            Instance = name,
            Total = prompts.Count,
            Offset = p.Offset,
            Limit = p.Limit,
            Prompts = [.. prompts.Skip(p.Offset).Take(p.Limit).Select(q => new WireQueuedPrompt
            {
                QueuePosition = q.Position,
                PromptId = q.PromptId,
                Title = q.Title,
                Source = q.Source.ToWire(),
            })],
        });
    }
}
