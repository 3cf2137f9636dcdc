using System.Net;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Web.Accounts;

/// <summary>Which requests count as this machine for the first-start rule, with and without a trusted proxy.</summary>
public sealed class LocalRequestsTests
{
    private static bool IsLocal(string? address, params string[] trustedProxies)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        return new LocalRequests(Options.Create(new NetworkOptions { TrustedProxies = [.. trustedProxies] })).IsLocal(context);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_without_a_proxy_is_local(string address) => Assert.True(IsLocal(address));

    [Theory]
    [InlineData("192.168.1.20")]
    [InlineData("10.0.0.7")]
    [InlineData("203.0.113.7")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:192.168.1.20")]
    public void Any_other_address_is_not(string address) => Assert.False(IsLocal(address));

    [Fact]
    public void A_same_host_proxy_never_makes_a_request_local_forwarded_or_not()
    {
        // After the forwarded-headers middleware: a request the proxy passed on without X-Forwarded-For keeps its address.
        Assert.False(IsLocal("127.0.0.1", "127.0.0.1"));
        Assert.False(IsLocal("::1", "::1/128"));
        Assert.False(IsLocal("127.0.0.1", "127.0.0.0/8"));
        // A client the proxy forwarded from elsewhere has that address.
        Assert.False(IsLocal("203.0.113.7", "127.0.0.1"));
    }

    [Fact]
    public void Loopback_is_local_when_the_only_trusted_proxy_is_another_machine() =>
        Assert.True(IsLocal("127.0.0.1", "10.0.0.5"));

    [Fact]
    public void A_connection_without_an_address_is_local_only_when_no_proxy_may_sit_in_front()
    {
        Assert.True(IsLocal(null));
        Assert.False(IsLocal(null, "10.0.0.5"));
    }
}
