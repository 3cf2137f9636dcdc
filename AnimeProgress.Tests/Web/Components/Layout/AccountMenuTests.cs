using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.WallScreens;
using AnimeProgress.Web.Components.Layout;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Components.Layout;

/// <summary>The app bar's account part: who is signed in and the way out, or the first start's mark.</summary>
public sealed class AccountMenuTests : ComponentTestContext
{
    [Fact]
    public void A_signed_in_account_sees_its_name_and_a_sign_out_form_posting_with_an_antiforgery_token()
    {
        Authorization.SetAuthorized("mika");
        Authorization.SetRoles(AppRoles.Operator);
        // In the app the token comes from the page's request (persisted into the circuit); here, a fixed one.
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());

        var cut = Render<AccountMenu>();

        Assert.Equal("mika", cut.Find(".account-name").TextContent);
        Assert.Equal("profile/notifications", cut.Find("a[aria-label='My notifications']").GetAttribute("href"));
        var form = cut.Find("form.account-signout");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal(AccountEndpoints.SignOutPath, form.GetAttribute("action"));
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.Equal("submit", form.QuerySelector("button")!.GetAttribute("type"));
    }

    [Fact]
    public void The_first_starts_local_admin_has_no_account_to_sign_out_of_and_is_told_so()
    {
        Authorization.SetAuthorized(FirstStartAccess.Name);
        Authorization.SetAuthenticationType(FirstStartAccess.AuthenticationType);

        var cut = Render<AccountMenu>();

        Assert.Empty(cut.FindAll("form"));
        Assert.Contains("No account yet", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wall_screen_has_nothing_to_sign_out_of_and_gets_a_link_to_sign_in()
    {
        Authorization.SetAuthorized(WallScreenAccess.Name);
        Authorization.SetRoles(AppRoles.Viewer);
        Authorization.SetAuthenticationType(WallScreenAccess.AuthenticationType);

        var cut = Render<AccountMenu>();

        Assert.Empty(cut.FindAll("form"));
        Assert.Empty(cut.FindAll(".account-name"));
        Assert.Equal(AccountEndpoints.LoginPage, cut.Find("a[aria-label^='Sign in']").GetAttribute("href"));
    }

    [Fact]
    public void An_admin_gets_the_users_and_audit_pages_in_the_app_bar()
    {
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
        Authorization.SetAuthorized("ada");
        Authorization.SetRoles(AppRoles.Admin);
        Authorization.SetPolicies(AccessPolicies.Administer);

        var cut = Render<AccountMenu>();

        Assert.Equal("admin/users", cut.Find("a[aria-label='Users']").GetAttribute("href"));
        Assert.Equal("admin/audit", cut.Find("a[aria-label='Audit log']").GetAttribute("href"));
    }

    [Fact]
    public void An_operator_gets_no_admin_pages_in_the_app_bar()
    {
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
        Authorization.SetAuthorized("otto");
        Authorization.SetRoles(AppRoles.Operator);

        var cut = Render<AccountMenu>();

        Assert.Empty(cut.FindAll("a[aria-label='Users']"));
        Assert.Empty(cut.FindAll("a[aria-label='Audit log']"));
    }

    [Fact]
    public void Nobody_signed_in_shows_nothing() => Assert.Empty(Render<AccountMenu>().Markup.Trim());

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }
}
