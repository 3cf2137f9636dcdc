using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Support.Oidc;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// Single sign-on against a real OpenID Connect provider (OpenIddict, in-process on loopback): the authorization-code
/// flow over HTTP, roles from the ID token's <c>groups</c> claim, what happens without a mapped group, and callbacks
/// that were tampered with or belong to another browser.
/// </summary>
public sealed class SingleSignOnTests(SingleSignOnTests.SsoApp sso) : IClassFixture<SingleSignOnTests.SsoApp>
{
    private const string Password = "a long enough password";

    /// <summary>The provider, and the app configured for it, with one local password account (so no first start).</summary>
    public sealed class SsoApp : IAsyncLifetime
    {
        internal TestIdentityProvider Provider { get; private set; } = null!;

        internal AppHost App { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Provider = await TestIdentityProvider.StartAsync(
                new TestUser("sub-alma", "alma", "render-admins", "everyone"),
                new TestUser("sub-vic", "vic", "render-viewers"),
                new TestUser("sub-both", "bo", "render-viewers", "render-admins"),
                new TestUser("sub-nina", "nina", "marketing"),
                new TestUser("sub-mover", "mover", "render-viewers"),
                new TestUser("sub-tam", "tam", "render-admins"),
                new TestUser("sub-ford", "ford", "render-admins"),
                new TestUser("sub-elle", "elle", "render-viewers") { Email = "elle@studio.example", EmailVerified = true });
            App = AppHost.Start(new Dictionary<string, string?>
            {
                ["AnimeProgress:Demo:Enabled"] = "false",
                ["AnimeProgress:Accounts:Oidc:Authority"] = Provider.Authority.AbsoluteUri,
                ["AnimeProgress:Accounts:Oidc:ClientId"] = TestIdentityProvider.ClientId,
                ["AnimeProgress:Accounts:Oidc:ClientSecret"] = Provider.ClientSecret,
                ["AnimeProgress:Accounts:Oidc:DisplayName"] = "Studio SSO",
                ["AnimeProgress:Accounts:Oidc:Roles:render-admins"] = "Admin",
                ["AnimeProgress:Accounts:Oidc:Roles:render-viewers"] = "viewer",
            });
            Provider.RedirectUri = new Uri(App.BaseAddress, "/signin-oidc");
            // A local password account named like a provider user: single sign-on must never take it over.
            await Browser.AddUserAsync(App, "nina", "Admin", Password);
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }

    private AppHost App => sso.App;

    private TestIdentityProvider Provider => sso.Provider;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Name, IList<string> Roles)> AccountOfAsync(string subject)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByLoginAsync("oidc", subject);
        Assert.NotNull(user);
        return (user.UserName!, await users.GetRolesAsync(user));
    }

    private static async Task<HttpStatusCode> NegotiateAsync(Browser browser)
    {
        using var negotiate = await browser.Http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        return negotiate.StatusCode;
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_as_a_plain_link_beside_the_password_form()
    {
        using var browser = new Browser(App);

        var page = await browser.TextAsync("/login?ReturnUrl=%2Ffleet");

        Assert.Contains("Sign in with Studio SSO", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/sso?returnUrl=%2Ffleet\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_link_never_sends_the_browser_anywhere_but_this_app_after_the_sign_in()
    {
        using var browser = new Browser(App);

        using var start = await browser.GetAsync("/account/sso?returnUrl=" + Uri.EscapeDataString("https://evil.example/"));

        var state = System.Web.HttpUtility.ParseQueryString(start.Headers.Location!.Query)["state"];
        Assert.NotNull(state);
        Assert.Equal("/", await SingleSignOnFlow.FinishAsync(browser, await SingleSignOnFlow.AuthorizeAsync(browser, start.Headers.Location!, "alma")));
    }

    [Fact]
    public async Task A_member_of_render_admins_is_signed_in_as_Admin_with_an_account_linked_to_the_provider()
    {
        using var browser = new Browser(App);

        var authorize = await SingleSignOnFlow.StartAsync(browser, "/fleet");
        // The code flow with PKCE, to the configured provider and client, coming back to the registered callback.
        Assert.StartsWith(new Uri(Provider.Authority, TestIdentityProvider.AuthorizePath).AbsoluteUri, authorize.AbsoluteUri, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal(("code", TestIdentityProvider.ClientId, "S256", new Uri(App.BaseAddress, "/signin-oidc").AbsoluteUri), (query["response_type"], query["client_id"], query["code_challenge_method"], query["redirect_uri"]));
        var landed = await SingleSignOnFlow.FinishAsync(browser, await SingleSignOnFlow.AuthorizeAsync(browser, authorize, "alma"));

        Assert.Equal("/fleet", landed);
        Assert.True(browser.HasSessionCookie(App.BaseAddress));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/fleet")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(browser));
        Assert.NotNull((await browser.ReadinessAsync())["checks"]);
        Assert.Contains("You are signed in as <strong>alma</strong>", await browser.TextAsync("/login"), StringComparison.Ordinal);
        var (name, roles) = await AccountOfAsync("sub-alma");
        Assert.Equal("alma", name);
        Assert.Equal(["Admin"], roles);
        // The external cookie was only a step: it is gone once the app's own sign-in is set.
        Assert.Null(browser.Cookies.GetCookies(App.BaseAddress)["Identity.External"]);
    }

    [Fact]
    public async Task A_member_of_render_viewers_is_a_Viewer_and_one_in_both_groups_gets_the_higher_role()
    {
        using (var viewer = new Browser(App))
        {
            Assert.Equal("/", await SingleSignOnFlow.SignInAsync(viewer, "vic"));
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/")).StatusCode);
            Assert.Equal(["Viewer"], (await AccountOfAsync("sub-vic")).Roles);
        }

        using var both = new Browser(App);
        Assert.Equal("/", await SingleSignOnFlow.SignInAsync(both, "bo"));
        Assert.Equal(["Admin"], (await AccountOfAsync("sub-both")).Roles);
    }

    [Fact]
    public async Task Someone_in_no_mapped_group_is_signed_in_without_a_role_and_sees_no_access_not_the_dashboard()
    {
        using var browser = new Browser(App);

        Assert.Equal("/", await SingleSignOnFlow.SignInAsync(browser, "nina"));

        using (var page = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.StartsWith("/login/denied?ReturnUrl=", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        Assert.Contains("whose role may not open that page", await browser.TextAsync("/login?ReturnUrl=%2F"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync(browser));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/jobs/1/preview")).StatusCode);
        // Not the local Admin "nina": an account of its own, named apart, with no role.
        var (name, roles) = await AccountOfAsync("sub-nina");
        Assert.Equal(("nina-2", 0), (name, roles.Count));
        using var local = new Browser(App);
        await local.SignInOrFailAsync("nina", Password);
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_providers_groups_decide_the_role_again_at_every_sign_in()
    {
        using (var first = new Browser(App))
        {
            Assert.Equal("/", await SingleSignOnFlow.SignInAsync(first, "mover"));
            Assert.Equal(["Viewer"], (await AccountOfAsync("sub-mover")).Roles);
        }

        Provider.Users["mover"] = new TestUser("sub-mover", "mover", "render-admins");
        using (var promoted = new Browser(App))
        {
            await SingleSignOnFlow.SignInAsync(promoted, "mover");
            Assert.Equal(["Admin"], (await AccountOfAsync("sub-mover")).Roles);
        }

        Provider.Users["mover"] = new TestUser("sub-mover", "mover", "left-the-studio");
        using var removed = new Browser(App);
        await SingleSignOnFlow.SignInAsync(removed, "mover");
        Assert.Empty((await AccountOfAsync("sub-mover")).Roles);
        Assert.Equal(HttpStatusCode.Found, (await removed.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_providers_email_claim_is_the_accounts_address_again_at_every_sign_in_unless_unverified()
    {
        using (var first = new Browser(App))
        {
            Assert.Equal("/", await SingleSignOnFlow.SignInAsync(first, "elle"));
            Assert.Equal("elle@studio.example", await EmailOfAsync("sub-elle"));
        }

        Provider.Users["elle"] = new TestUser("sub-elle", "elle", "render-viewers") { Email = "elle.new@studio.example" };
        using (var changed = new Browser(App))
        {
            await SingleSignOnFlow.SignInAsync(changed, "elle");
            Assert.Equal("elle.new@studio.example", await EmailOfAsync("sub-elle"));
        }

        // An address the provider has not verified is not one the app mails; neither is a missing claim a removal.
        Provider.Users["elle"] = new TestUser("sub-elle", "elle", "render-viewers") { Email = "someone@else.example", EmailVerified = false };
        using (var unverified = new Browser(App))
        {
            await SingleSignOnFlow.SignInAsync(unverified, "elle");
            Assert.Equal("elle.new@studio.example", await EmailOfAsync("sub-elle"));
        }

        Provider.Users["elle"] = new TestUser("sub-elle", "elle", "render-viewers");
        using var none = new Browser(App);
        await SingleSignOnFlow.SignInAsync(none, "elle");
        Assert.Equal("elle.new@studio.example", await EmailOfAsync("sub-elle"));
    }

    private async Task<string?> EmailOfAsync(string subject)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByLoginAsync("oidc", subject))?.Email;
    }

    [Fact]
    public async Task A_callback_with_a_tampered_state_is_refused_before_the_code_is_redeemed()
    {
        using var browser = new Browser(App);
        var callback = await SingleSignOnFlow.AuthorizeAsync(browser, await SingleSignOnFlow.StartAsync(browser), "tam");
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        var state = query["state"]!;
        var middle = state.Length / 2;
        var tampered = state[..middle] + (state[middle] == 'A' ? 'B' : 'A') + state[(middle + 1)..];
        var issued = Provider.TokensIssued;

        var landed = await SingleSignOnFlow.FinishAsync(
            browser, new Uri(App.BaseAddress, $"/signin-oidc?code={Uri.EscapeDataString(query["code"]!)}&state={Uri.EscapeDataString(tampered)}"));

        Assert.Equal("/login?ssoFailed=true", landed);
        Assert.False(browser.HasSessionCookie(App.BaseAddress));
        Assert.Equal(issued, Provider.TokensIssued);
        Assert.Contains("Single sign-on did not complete", await browser.TextAsync(landed), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_callback_started_in_another_browser_is_refused_and_signs_nobody_in()
    {
        // The victim's browser started the sign-in; the attacker replays its callback (code and state) in another one.
        using var started = new Browser(App);
        var callback = await SingleSignOnFlow.AuthorizeAsync(started, await SingleSignOnFlow.StartAsync(started), "ford");
        using var other = new Browser(App);
        var issued = Provider.TokensIssued;

        Assert.Equal("/login?ssoFailed=true", await SingleSignOnFlow.FinishAsync(other, callback));
        Assert.False(other.HasSessionCookie(App.BaseAddress));
        Assert.Equal(issued, Provider.TokensIssued);
        Assert.Equal(HttpStatusCode.Found, (await other.GetAsync("/")).StatusCode);

        // The browser that started it finishes normally.
        Assert.Equal("/", await SingleSignOnFlow.FinishAsync(started, callback));
        Assert.Equal(HttpStatusCode.OK, (await started.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_refusal_by_the_provider_ends_on_the_sign_in_page_with_the_failure_message()
    {
        using var browser = new Browser(App);
        var authorize = await SingleSignOnFlow.StartAsync(browser);

        // Nobody the provider knows: it answers access_denied to the app's callback.
        var callback = await SingleSignOnFlow.AuthorizeAsync(browser, authorize, "stranger");

        Assert.Equal("access_denied", System.Web.HttpUtility.ParseQueryString(callback.Query)["error"]);
        Assert.Equal("/login?ssoFailed=true", await SingleSignOnFlow.FinishAsync(browser, callback));
        Assert.False(browser.HasSessionCookie(App.BaseAddress));
    }

    [Fact]
    public async Task The_completion_endpoint_alone_signs_nobody_in()
    {
        using var browser = new Browser(App);

        using var answer = await browser.GetAsync("/account/sso/complete?returnUrl=%2F");

        Assert.Equal("/login?ssoFailed=true", answer.Headers.Location!.OriginalString);
        Assert.False(browser.HasSessionCookie(App.BaseAddress));
    }
}
