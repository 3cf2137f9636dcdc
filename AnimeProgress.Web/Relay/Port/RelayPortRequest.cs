namespace AnimeProgress.Web.Relay.Port;

/// <summary>
/// Marks a request that arrived on the relay's own port (<see cref="RelayPortServer"/>): there the relay passes pages,
/// scripts and styles (ComfyUI's frontend), since that origin holds no sign-in; on the dashboard's port it never does.
/// </summary>
public sealed class RelayPortRequest
{
    public static readonly RelayPortRequest Instance = new();

    private RelayPortRequest()
    {
    }

    public static bool Is(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<RelayPortRequest>() is not null;
    }
}
