using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.SingleSignOn;

namespace AnimeProgress.Tests.Web.Accounts.SingleSignOn;

public sealed class RoleMappingTests
{
    private static readonly OidcOptions Options = new()
    {
        Authority = "https://sso.studio.example/",
        ClientId = "animeprogress",
        Roles = { ["render-admins"] = "admin", ["render-ops"] = "Operator", ["render-viewers"] = "Viewer" },
    };

    private static ClaimsPrincipal WithClaims(string type, params string[] values) =>
        new(new ClaimsIdentity(values.Select(v => new Claim(type, v)), "oidc"));

    [Theory]
    [InlineData(AppRoles.Viewer, "render-viewers")]
    [InlineData(AppRoles.Operator, "render-ops", "everyone")]
    [InlineData(AppRoles.Admin, "render-viewers", "render-admins", "render-ops")]
    public void The_highest_mapped_group_decides_in_the_roles_own_spelling(string expected, params string[] groups) =>
        Assert.Equal(expected, RoleMapping.RoleOf(WithClaims("groups", groups), Options));

    [Fact]
    public void No_mapped_group_means_no_role()
    {
        Assert.Null(RoleMapping.RoleOf(WithClaims("groups", "marketing"), Options));
        Assert.Null(RoleMapping.RoleOf(WithClaims("groups"), Options));
    }

    [Fact]
    public void Values_match_exactly_and_only_in_the_configured_claim()
    {
        Assert.Null(RoleMapping.RoleOf(WithClaims("groups", "Render-Admins"), Options));
        Assert.Null(RoleMapping.RoleOf(WithClaims("roles", "render-admins"), Options));
        var byRoles = new OidcOptions { Authority = Options.Authority, ClientId = "x", RoleClaim = "roles", Roles = { ["Render.Admin"] = "Admin" } };
        Assert.Equal(AppRoles.Admin, RoleMapping.RoleOf(WithClaims("roles", "Render.Admin"), byRoles));
    }
}
