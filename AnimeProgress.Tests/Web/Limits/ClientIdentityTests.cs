using System.Net;
using AnimeProgress.Web.Api;
using AnimeProgress.Web.Api.Access;
using AnimeProgress.Web.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Web.Limits;

public sealed class ClientIdentityTests
{
    private const string Token = "a-studio-token-0123456789";

    [Theory]
    [InlineData("10.1.2.3", "address:10.1.2.3", false)]
    [InlineData("::ffff:10.1.2.3", "address:10.1.2.3", false)]
    [InlineData("127.0.0.1", "address:127.0.0.1", true)]
    [InlineData("127.0.0.2", "address:127.0.0.2", true)]
    [InlineData("::1", "address:::1", true)]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "address:2001:db8:1:2::/64", false)]
    public void An_address_is_the_client_and_ipv6_counts_by_its_64_block(string address, string key, bool local)
    {
        Assert.Equal(new ClientIdentity(key, local), ClientIdentity.FromAddress(IPAddress.Parse(address)));
    }

    [Fact]
    public void Two_addresses_of_one_ipv6_block_are_one_client()
    {
        Assert.Equal(
            ClientIdentity.FromAddress(IPAddress.Parse("2001:db8::1")),
            ClientIdentity.FromAddress(IPAddress.Parse("2001:db8::ffff:2")));
    }

    [Fact]
    public void A_request_without_an_address_is_local_as_a_unix_socket_or_in_process_host_is()
    {
        Assert.Equal(new ClientIdentity("address:local", true), ClientIdentity.FromAddress(null));
    }

    [Fact]
    public void A_valid_token_is_the_client_wherever_it_comes_from_and_the_key_is_not_the_token()
    {
        var resolver = Resolver(tokens: [Token]);

        var first = resolver.Resolve(Request("10.0.0.1", bearer: Token));
        var second = resolver.Resolve(Request("10.0.0.2", bearer: Token));

        Assert.Equal(first, second);
        Assert.StartsWith("key:token-", first.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, first.Key, StringComparison.Ordinal);
        Assert.False(first.IsLocal);
    }

    [Fact]
    public void A_wrong_token_does_not_make_a_new_client_the_address_does()
    {
        var resolver = Resolver(tokens: [Token]);

        var forged = resolver.Resolve(Request("10.0.0.1", bearer: "made-up-token-0000000000"));

        Assert.Equal(new ClientIdentity("address:10.0.0.1", false), forged);
    }

    [Fact]
    public void Without_configured_tokens_any_bearer_is_ignored()
    {
        var resolver = Resolver(tokens: []);

        Assert.Equal("address:10.0.0.1", resolver.Resolve(Request("10.0.0.1", bearer: Token)).Key);
    }

    [Fact]
    public void Another_key_source_plugs_in_ahead_of_the_address()
    {
        var resolver = new ClientIdentityResolver([new UserKey()]);
        var context = Request("10.0.0.1");
        context.Request.Headers["X-Test-User"] = "akiko";

        Assert.Equal("key:user-akiko", resolver.Resolve(context).Key);
        Assert.Equal("address:10.0.0.9", resolver.Resolve(Request("10.0.0.9")).Key);
    }

    [Fact]
    public void A_signed_in_account_is_its_own_client_from_any_address_and_the_first_start_admin_is_its_address()
    {
        var resolver = new ClientIdentityResolver([new SignedInUserClientKey()]);
        var signedIn = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "3f2c"), new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "mika")],
            Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme));

        var atDesk = Request("10.0.0.1");
        atDesk.User = signedIn;
        var onPhone = Request("10.0.8.40");
        onPhone.User = signedIn;
        var firstStart = Request("127.0.0.1");
        firstStart.User = AnimeProgress.Web.Accounts.FirstStartAccess.Principal();

        Assert.Equal(new ClientIdentity("key:user-3f2c", false), resolver.Resolve(atDesk));
        Assert.Equal("key:user-3f2c", resolver.Resolve(onPhone).Key);
        Assert.Equal(new ClientIdentity("address:127.0.0.1", true), resolver.Resolve(firstStart));
        Assert.Equal("address:10.0.0.9", resolver.Resolve(Request("10.0.0.9")).Key);
    }

    private static ClientIdentityResolver Resolver(List<string> tokens) =>
        new([new AccessTokenClientKey(new AccessTokens(Options.Create(new ApiOptions { Tokens = tokens })))]);

    private static DefaultHttpContext Request(string address, string? bearer = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (bearer is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + bearer;
        }

        return context;
    }

    private sealed class UserKey : IClientKeySource
    {
        public string? KeyOf(HttpContext context) =>
            context.Request.Headers.TryGetValue("X-Test-User", out var user) ? "user-" + user : null;
    }
}
