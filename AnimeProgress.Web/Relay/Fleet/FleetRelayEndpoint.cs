using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// Everything under <c>/comfyui/fleet/</c> (access already checked by <see cref="RelayEndpoint"/>, with the instance
/// relay's rules): prompts go to the fleet queue, the socket follows a client's prompts on any instance, reads about one
/// prompt go to the instance that has it, <c>/queue</c> and <c>/history</c> are the fleet's, and other reads are
/// answered by the first online instance (docs/relay.md, "The fleet relay").
/// </summary>
public sealed class FleetRelayEndpoint(
    FleetSocketEndpoint sockets,
    FleetPromptRelay prompts,
    FleetWorkActions actions,
    FleetReads reads,
    RelayProxy proxy)
{
    /// <summary>The name under <c>/comfyui/</c> that means the whole fleet (an instance of that name is reachable only as part of it).</summary>
    public const string Name = "fleet";

    public async Task HandleAsync(HttpContext context, RelayRoute route)
    {
        var cancellationToken = context.RequestAborted;
        var get = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        switch (route.Kind)
        {
            case RelayRouteKind.Socket when context.WebSockets.IsWebSocketRequest:
                await sockets.HandleAsync(context);
                return;
            case RelayRouteKind.Prompt:
                await prompts.HandleAsync(context);
                return;
            case RelayRouteKind.ActOnWork:
                await actions.HandleAsync(context, route);
                return;
        }

        if (!get)
        {
            // Uploads and history edits act on one instance's disk or memory, which the fleet cannot choose for the client.
            await RelayErrors.WriteAsync(context, StatusCodes.Status501NotImplemented,
                $"{context.Request.Method} /{route.Path} acts on one ComfyUI instance and the fleet relay cannot tell which; use /comfyui/<instance>/{route.Path} (docs/relay.md, \"The fleet relay\").");
            return;
        }

        switch (route.Route)
        {
            case "queue":
                await FleetJson.WriteAsync(context, StatusCodes.Status200OK, await reads.QueueAsync(cancellationToken));
                return;
            case "history":
                await FleetJson.WriteAsync(context, StatusCodes.Status200OK, await reads.HistoryAsync(route.Path + context.Request.QueryString.Value, cancellationToken));
                return;
            case "view":
                await ForwardAsync(context, route, reads.InstanceOfFile(context.Request.Query) ?? reads.FirstOnline());
                return;
        }

        if (PromptIdOf(route.Route) is { } promptId)
        {
            // A prompt not sent anywhere yet (or unknown) is asked of any instance: it answers as it does for an id it lacks.
            await ForwardAsync(context, route, reads.InstanceOfPrompt(promptId) ?? reads.FirstOnline());
            return;
        }

        await ForwardAsync(context, route, reads.FirstOnline());
    }

    /// <summary>The prompt a per-prompt read names: <c>history/{id}</c> or <c>jobs/{id}</c>.</summary>
    private static string? PromptIdOf(string route)
    {
        foreach (var prefix in new[] { "history/", "jobs/" })
        {
            if (route.StartsWith(prefix, StringComparison.Ordinal) && route.Length > prefix.Length && !route[prefix.Length..].Contains('/', StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(route[prefix.Length..]);
            }
        }

        return null;
    }

    private async Task ForwardAsync(HttpContext context, RelayRoute route, ComfyUiConnection? connection)
    {
        if (connection is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "No ComfyUI instance of the fleet is online; try again when one is back (the dashboard shows their state).");
            return;
        }

        if (RelayRoute.Target(connection.Instance.DisplayUrl, route.Path, context.Request.QueryString.Value) is null)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status400BadRequest,
                $"'/{route.Path}' is not a path on a ComfyUI instance (no backslash, scheme or '..' that leaves it).");
            return;
        }

        await proxy.ForwardAsync(context, connection.Instance, route.Path);
    }
}
