namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The host names the app answers to: <c>AllowedHosts</c> (default <c>localhost;127.0.0.1;[::1]</c>) plus the hosts of
/// <c>AnimeProgress:Network:PublicOrigins</c>. Any other Host header gets 400 before anything else runs.
/// </summary>
internal static class HostNames
{
    public static IReadOnlyList<string> Allowed(IConfiguration configuration, NetworkOptions network)
    {
        var configured = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configured.Contains("*"))
        {
            return ["*"];
        }

        var origins = network.PublicOrigins.Select(PublicOrigins.Parse).OfType<Uri>().Select(u => u.Host);
        return [.. configured.Concat(origins).Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
