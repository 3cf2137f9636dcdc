using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// X-Forwarded-For/Proto/Host are believed only from <c>AnimeProgress:Network:TrustedProxies</c>: the framework's
/// default trust of loopback is cleared first, so nothing is trusted that was not configured. Walking the chain
/// stops at the first hop that is not a trusted proxy, so a client cannot forge its address by sending the header itself.
/// </summary>
internal sealed class ForwardedHeadersSetup(IOptions<NetworkOptions> network, IConfiguration configuration) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in network.Value.TrustedProxies.Select(TrustedProxy.Parse).OfType<System.Net.IPNetwork>())
        {
            options.KnownIPNetworks.Add(proxy);
        }

        // Several trusted proxies in a row (load balancer, then nginx) each add one entry.
        options.ForwardLimit = null;

        // A forwarded host must be one the app answers to anyway.
        options.AllowedHosts.Clear();
        foreach (var host in HostNames.Allowed(configuration, network.Value).Where(h => h != "*"))
        {
            options.AllowedHosts.Add(host);
        }
    }
}
