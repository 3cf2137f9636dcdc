using AnimeProgress.Core.ComfyUi;
using Microsoft.AspNetCore.Diagnostics;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// Everything under <c>/comfyui/{instance}/</c>: checks access, finds the instance, and hands the request to the part
/// that answers it (the socket, a prompt, an action on work, or the proxy).
/// </summary>
public sealed class RelayEndpoint(
    ComfyUiFleet fleet,
    RelayAccess access,
    RelaySocketEndpoint sockets,
    PromptRelay prompts,
    RelayWorkActions actions,
    RelayProxy proxy,
    Fleet.FleetRelayEndpoint fleetRelay)
{
    public async Task HandleAsync(HttpContext context)
    {
        // ComfyUI's answers (an empty 404 included) reach the client as they are, not as the dashboard's HTML pages.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        var route = RelayRoute.Parse(context.Request.Path, context.Request.Method);
        if (route is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status404NotFound, "Name an instance: /comfyui/<instance>/ (docs/relay.md).");
            return;
        }

        if (!await access.AllowAsync(context, RelayAccess.Needed(route, context.Request.Method)))
        {
            return;
        }

        if (route.Instance == Fleet.FleetRelayEndpoint.Name)
        {
            await fleetRelay.HandleAsync(context, route);
            return;
        }

        if (fleet.Find(route.Instance) is not { } connection)
        {
            var known = string.Join(", ", fleet.Connections.Select(c => c.Instance.Name));
            await RelayErrors.WriteAsync(context, StatusCodes.Status404NotFound,
                $"No ComfyUI instance is named '{route.Instance}'; the relay knows: {(known.Length == 0 ? "none" : known)}.");
            return;
        }

        if (RelayRoute.Target(connection.Instance.DisplayUrl, route.Path, context.Request.QueryString.Value) is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status400BadRequest,
                $"'/{route.Path}' is not a path on ComfyUI instance '{route.Instance}' (no backslash, scheme or '..' that leaves it).");
            return;
        }

        switch (route.Kind)
        {
            case RelayRouteKind.Socket when context.WebSockets.IsWebSocketRequest:
                await sockets.HandleAsync(context, connection);
                break;
            case RelayRouteKind.Prompt:
                await prompts.HandleAsync(context, connection, route.Path);
                break;
            case RelayRouteKind.ActOnWork:
                await actions.HandleAsync(context, connection, route);
                break;
            default:
                await proxy.ForwardAsync(context, connection.Instance, route.Path);
                break;
        }
    }
}
