using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// Adds the hosts of <c>AnimeProgress:Network:PublicOrigins</c> to <c>AllowedHosts</c>, so one setting opens the app at
/// a studio host name. Runs after the framework's own reading of <c>AllowedHosts</c>.
/// </summary>
internal sealed class HostFilteringSetup(IOptions<NetworkOptions> network, IConfiguration configuration) : IPostConfigureOptions<HostFilteringOptions>
{
    public void PostConfigure(string? name, HostFilteringOptions options)
    {
        var hosts = HostNames.Allowed(configuration, network.Value);
        if (hosts.Count > 0)
        {
            options.AllowedHosts = [.. hosts];
        }
    }
}
