using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Api.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>GET /api/instances: the ComfyUI machines, as the fleet connections last saw them.</summary>
internal static class InstanceEndpoints
{
    public static void MapInstanceEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/instances", (ProgressHub hub) => List(hub))
            .WithName("ListInstances")
            .WithSummary("ComfyUI instances: online or not, since when, queue length, GPU memory");

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
            ReconnectAttempt = i.ReconnectAttempt,
            NextRetryAt = WireTime.Format(i.NextRetryAt),
            ComfyUiVersion = i.ComfyUiVersion,
            Devices = [.. i.Devices.Select(d => new WireDevice { Name = d.Name, Type = d.Type, VramTotal = d.VramTotal, VramFree = d.VramFree })],
        })],
    });
}
