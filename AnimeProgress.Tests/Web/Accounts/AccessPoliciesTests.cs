using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Accounts;

/// <summary>Each role against each policy, as the server's authorization service decides it.</summary>
public sealed class AccessPoliciesTests
{
    private static readonly IAuthorizationService Authorization = new ServiceCollection()
        .AddLogging()
        .AddAuthorization(o => o.AddAccessPolicies())
        .BuildServiceProvider()
        .GetRequiredService<IAuthorizationService>();

    private static ClaimsPrincipal Account(params string[] roles) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "mika"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
        IdentityConstants.ApplicationScheme));

    private static async Task<string[]> AllowedAsync(ClaimsPrincipal user)
    {
        var allowed = new List<string>();
        foreach (var policy in new[] { AccessPolicies.View, AccessPolicies.Operate, AccessPolicies.Administer })
        {
            if ((await Authorization.AuthorizeAsync(user, policy)).Succeeded)
            {
                allowed.Add(policy);
            }
        }

        return [.. allowed];
    }

    [Fact]
    public async Task Each_role_includes_the_ones_below_it()
    {
        Assert.Equal([AccessPolicies.View], await AllowedAsync(Account(AppRoles.Viewer)));
        Assert.Equal([AccessPolicies.View, AccessPolicies.Operate], await AllowedAsync(Account(AppRoles.Operator)));
        Assert.Equal([AccessPolicies.View, AccessPolicies.Operate, AccessPolicies.Administer], await AllowedAsync(Account(AppRoles.Admin)));
    }

    [Fact]
    public async Task Nobody_and_an_account_without_a_role_may_do_nothing()
    {
        Assert.Empty(await AllowedAsync(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.Empty(await AllowedAsync(Account()));
        // Role names are exact: a claim spelled otherwise grants nothing.
        Assert.Empty(await AllowedAsync(Account("viewers")));
    }

    [Fact]
    public async Task The_first_start_rule_makes_this_machine_an_Admin_that_no_stored_account_is()
    {
        var principal = FirstStartAccess.Principal();

        Assert.Equal([AccessPolicies.View, AccessPolicies.Operate, AccessPolicies.Administer], await AllowedAsync(principal));
        Assert.True(FirstStartAccess.IsFirstStart(principal));
        Assert.False(FirstStartAccess.IsFirstStart(Account(AppRoles.Admin)));
        Assert.False(FirstStartAccess.IsFirstStart(null));
    }

    [Theory]
    [InlineData("admin", AppRoles.Admin)]
    [InlineData(" Operator ", AppRoles.Operator)]
    [InlineData("VIEWER", AppRoles.Viewer)]
    [InlineData("root", null)]
    [InlineData("", null)]
    public void Role_names_are_read_in_any_case(string given, string? expected) => Assert.Equal(expected, AppRoles.Parse(given));
}
