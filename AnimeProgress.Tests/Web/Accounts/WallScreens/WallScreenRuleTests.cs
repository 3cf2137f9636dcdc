using System.Net;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.WallScreens;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Web.Accounts.WallScreens;

/// <summary>Which browsers that have not signed in are wall screens, and what a wall screen may do.</summary>
public sealed class WallScreenRuleTests
{
    private static bool Allows(string? address, string? role, string[] networks, params string[] trustedProxies)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        var rule = new WallScreenRule(
            Options.Create(new AccessOptions { AnonymousRole = role, AnonymousNetworks = [.. networks] }),
            Options.Create(new NetworkOptions { TrustedProxies = [.. trustedProxies] }),
            NullLogger<WallScreenRule>.Instance);
        return rule.Allows(context);
    }

    [Theory]
    [InlineData("10.20.3.4")]
    [InlineData("127.0.0.1")]
    [InlineData(null)]
    public void Off_nobody_is_a_wall_screen(string? address) => Assert.False(Allows(address, null, []));

    [Theory]
    [InlineData("10.20.3.4")]
    [InlineData("203.0.113.7")]
    [InlineData("::1")]
    public void On_with_no_network_listed_every_address_is(string address) => Assert.True(Allows(address, "Viewer", []));

    [Theory]
    [InlineData("10.20.3.4", true)]
    [InlineData("::ffff:10.20.3.4", true)]
    [InlineData("192.168.1.40", true)]
    [InlineData("192.168.1.41", false)]
    [InlineData("10.21.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData(null, false)]
    public void With_networks_listed_only_their_addresses_are(string? address, bool expected) =>
        Assert.Equal(expected, Allows(address, "Viewer", ["10.20.0.0/16", "192.168.1.40"]));

    [Fact]
    public void A_trusted_proxys_own_address_never_is_even_inside_a_listed_network()
    {
        Assert.False(Allows("10.20.0.5", "Viewer", ["10.20.0.0/16"], "10.20.0.5"));
        Assert.False(Allows("10.20.0.5", "Viewer", [], "10.20.0.0/24"));
        Assert.True(Allows("10.20.3.4", "Viewer", ["10.20.0.0/16"], "10.20.0.5"));
    }

    [Fact]
    public async Task A_wall_screen_may_view_and_nothing_more_and_is_not_a_sign_in()
    {
        var authorization = new ServiceCollection().AddLogging().AddAuthorization(o => o.AddAccessPolicies()).BuildServiceProvider()
            .GetRequiredService<IAuthorizationService>();
        var wall = WallScreenAccess.Principal();

        Assert.True((await authorization.AuthorizeAsync(wall, AccessPolicies.View)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(wall, AccessPolicies.Operate)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(wall, AccessPolicies.Administer)).Succeeded);
        Assert.True(WallScreenAccess.IsWallScreen(wall));
        Assert.False(SignedIn.IsAccount(wall));
        Assert.False(SignedIn.IsAccount(FirstStartAccess.Principal()));
    }
}
