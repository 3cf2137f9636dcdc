using System.Net;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// Signing in and out of the real app over HTTP, each role on each surface (pages, the circuit, previews, /readyz),
/// the one failure message, lockout, antiforgery and where a sign-in may send the browser.
/// </summary>
public sealed class LoginTests(LoginTests.AccountsApp accounts) : IClassFixture<LoginTests.AccountsApp>
{
    private const string Password = "a long enough password";
    private const string Failure = "The name or password is not right, or the account is locked for a while after too many tries.";

    /// <summary>One app with an account per role (made with the CLI), one without a role, three tries before a lockout.</summary>
    public sealed class AccountsApp : IAsyncLifetime
    {
        internal AppHost App { get; } = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Accounts:MaxFailedSignIns"] = "3",
            ["AnimeProgress:Accounts:LockoutDuration"] = "01:00:00",
        });

        public async ValueTask InitializeAsync()
        {
            foreach (var (name, role) in new[] { ("vera", "Viewer"), ("otto", "Operator"), ("ada", "Admin"), ("kim", "Viewer"), ("lena", "Viewer"), ("sam", "Viewer") })
            {
                await Browser.AddUserAsync(App, name, role, Password);
            }

            // An account whose role was taken away (the CLI always gives one): through Identity, as an admin page would.
            await using var scope = App.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            Assert.True((await users.CreateAsync(new IdentityUser("nora"), Password)).Succeeded);
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => accounts.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpStatusCode> NegotiateAsync(Browser browser)
    {
        using var negotiate = await browser.Http.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        return negotiate.StatusCode;
    }

    [Fact]
    public async Task Without_signing_in_this_machine_is_sent_to_the_sign_in_form()
    {
        using var browser = new Browser(App);

        using var page = await browser.GetAsync("/fleet");

        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Ffleet", page.Headers.Location!.PathAndQuery);
        Assert.Contains("name=\"userName\"", await browser.TextAsync("/login?ReturnUrl=%2Ffleet"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(browser));
        Assert.Equal(["status"], (await browser.ReadinessAsync()).Select(p => p.Key));
    }

    [Theory]
    [InlineData("vera")]
    [InlineData("otto")]
    [InlineData("ada")]
    public async Task Every_role_sees_the_pages_the_circuit_previews_and_the_readiness_detail(string name)
    {
        using var browser = new Browser(App);

        using (var signIn = await browser.SignInAsync(name, Password, "/history"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal("/history", signIn.Headers.Location!.OriginalString);
        }

        Assert.True(browser.HasSessionCookie(App.BaseAddress));
        foreach (var page in new[] { "/", "/history", "/fleet" })
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(page)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(browser));
        // No preview exists for job 1: the endpoint's own 404, past the access check.
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/api/jobs/1/preview")).StatusCode);
        Assert.NotNull((await browser.ReadinessAsync())["checks"]);
        Assert.Contains($"You are signed in as <strong>{name}</strong>", await browser.TextAsync("/login"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_without_a_role_is_signed_in_but_refused_wherever_a_viewer_is_needed()
    {
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("nora", Password);

        using (var page = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.StartsWith("/login/denied?ReturnUrl=", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        Assert.Contains("whose role may not open that page", await browser.TextAsync("/login?ReturnUrl=%2F"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/jobs/1/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync(browser));
    }

    [Fact]
    public async Task Without_single_sign_on_configured_the_page_offers_only_the_password_form()
    {
        using var browser = new Browser(App);

        var page = await browser.TextAsync("/login");

        Assert.Contains("name=\"password\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/account/sso", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Sign in with", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_an_unknown_name_and_a_locked_account_all_get_the_same_answer()
    {
        using var browser = new Browser(App);
        var answers = new List<string>();
        foreach (var (name, password) in new[] { ("kim", "not the password"), ("nobody-at-all", Password), ("KIM ", "still not it") })
        {
            using var refused = await browser.SignInAsync(name, password, "/fleet");
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            answers.Add(refused.Headers.Location!.OriginalString);
        }

        Assert.Equal(["/login?failed=true&ReturnUrl=%2Ffleet"], answers.Distinct());
        Assert.False(browser.HasSessionCookie(App.BaseAddress));
        var page = await browser.TextAsync(answers[0]);
        Assert.Contains(Failure, page, StringComparison.Ordinal);
        Assert.DoesNotContain("kim", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_three_wrong_passwords_the_right_one_is_refused_too_with_the_same_answer()
    {
        using var browser = new Browser(App);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await browser.SignInAsync("lena", "guess number " + i);
            Assert.Equal("/login?failed=true&ReturnUrl=%2F", wrong.Headers.Location!.OriginalString);
        }

        using var right = await browser.SignInAsync("lena", Password);

        Assert.Equal("/login?failed=true&ReturnUrl=%2F", right.Headers.Location!.OriginalString);
        Assert.False(browser.HasSessionCookie(App.BaseAddress));
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var lena = await users.FindByNameAsync("lena");
        Assert.True(await users.IsLockedOutAsync(lena!));
        // Locked for the configured hour, not longer.
        Assert.InRange(lena!.LockoutEnd!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task A_sign_in_without_the_pages_antiforgery_token_is_refused_and_sets_no_cookie()
    {
        using var browser = new Browser(App);
        using var other = new Browser(App);
        var othersToken = await other.FormTokenAsync("/login");

        // A cross-site post has no token, or one from another browser's session: neither passes.
        foreach (var token in new[] { null, othersToken })
        {
            var fields = new List<KeyValuePair<string, string>> { new("userName", "vera"), new("password", Password), new("returnUrl", "/") };
            if (token is not null)
            {
                fields.Add(new("__RequestVerificationToken", token));
            }

            using var refused = await browser.PostFormAsync("/account/login", fields);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.False(browser.HasSessionCookie(App.BaseAddress));
        }
    }

    [Fact]
    public async Task Signing_out_is_a_post_with_the_token_and_ends_the_session()
    {
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("sam", Password);

        // Without the token (another site's form, a link) nothing happens.
        using (var forged = await browser.PostFormAsync("/account/logout", []))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var token = await browser.FormTokenAsync("/logout");
        using (var signOut = await browser.PostFormAsync("/account/logout", [new("__RequestVerificationToken", token)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
            Assert.Equal("/logout?done=true", signOut.Headers.Location!.OriginalString);
        }

        Assert.Contains("You have signed out", await browser.TextAsync("/logout?done=true"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(browser));
    }

    [Theory]
    [InlineData("//evil.example/login")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task A_sign_in_never_sends_the_browser_to_another_site(string returnUrl)
    {
        using var browser = new Browser(App);

        using var signIn = await browser.SignInAsync("vera", Password, returnUrl);

        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }
}
