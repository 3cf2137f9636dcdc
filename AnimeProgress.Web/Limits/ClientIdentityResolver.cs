namespace AnimeProgress.Web.Limits;

/// <summary>
/// Finds a request's <see cref="ClientIdentity"/> once and keeps it on the request. Runs after the forwarded-headers
/// middleware, so <c>RemoteIpAddress</c> is the real client's behind a trusted proxy.
/// </summary>
public sealed class ClientIdentityResolver(IEnumerable<IClientKeySource> keySources)
{
    private static readonly object ItemKey = new();
    private readonly IClientKeySource[] _keySources = [.. keySources];

    public ClientIdentity Resolve(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known) && known is ClientIdentity identity)
        {
            return identity;
        }

        var address = context.Connection.RemoteIpAddress;
        identity = ClientIdentity.FromAddress(address);
        foreach (var source in _keySources)
        {
            if (source.KeyOf(context) is { } key)
            {
                identity = ClientIdentity.FromKey(key, address);
                break;
            }
        }

        context.Items[ItemKey] = identity;
        return identity;
    }
}
