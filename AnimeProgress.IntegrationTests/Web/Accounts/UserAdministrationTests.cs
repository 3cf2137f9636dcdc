using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.Administration;
using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// The users page's service in the real app, called as the page's circuit calls it (with the circuit's principal,
/// which is what the sign-in cookie holds): an Admin lists accounts, changes a role, disables and enables, creates
/// people and service accounts, each audited; the change reaches the account's open circuit, its cookie and its key's
/// /ws socket within the sweep (half a second here). Everyone else, and an Admin page left open after its account was
/// demoted or signed out, is refused on the server, audited, and changes nothing.
/// </summary>
public sealed class UserAdministrationTests(UserAdministrationTests.UsersApp users) : IClassFixture<UserAdministrationTests.UsersApp>
{
    private const string Password = "a long enough password";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    public sealed class UsersApp : IAsyncLifetime
    {
        internal AppHost App { get; } = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Accounts:RevalidationInterval"] = "00:00:00.5",
            // Keys checked at every request, so a disabled owner's key is refused at once rather than within the cache time.
            ["AnimeProgress:Keys:CacheDuration"] = "00:00:00",
        });

        public async ValueTask InitializeAsync()
        {
            foreach (var (name, role) in new[]
            {
                ("ada", "Admin"), ("bea", "Admin"), ("cleo", "Admin"), ("sara", "Viewer"), ("otto", "Operator"), ("olga", "Operator"), ("dora", "Viewer"),
            })
            {
                await Browser.AddUserAsync(App, name, role, Password);
            }

            using var anonymous = new Browser(App);
            await Eventually.True(() => anonymous.GetAsync("/").GetAwaiter().GetResult().StatusCode == HttpStatusCode.Found, TimeSpan.FromSeconds(20), "the accounts noticed");
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => users.App;

    private UserAdministration Admin => App.Services.GetRequiredService<UserAdministration>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The principal a sign-in cookie of <paramref name="name"/> holds now (roles and stamp included), as the circuit gets it.</summary>
    private async Task<ClaimsPrincipal> PrincipalOfAsync(string name)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>();
        return await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByNameAsync(name))!);
    }

    private async Task<AccountListing> AccountAsync(string name) =>
        (await Admin.ListAsync(await PrincipalOfAsync("ada"), Ct)).Single(a => a.Name == name);

    private async Task<List<(string Action, string Outcome, string? Target, string? ActorName)>> AuditAsync(string action)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        var rows = await db.AuditLog.AsNoTracking().Where(e => e.Action == action).ToListAsync(Ct);
        return [.. rows.Select(r => (r.Action, r.Outcome, r.Target, r.ActorName))];
    }

    private async Task<List<(string Action, string Outcome, string? Target, string? ActorName)>> AuditEventuallyAsync(string action, Func<(string Action, string Outcome, string? Target, string? ActorName), bool> match)
    {
        List<(string, string, string?, string?)> rows = [];
        await Eventually.True(() => (rows = AuditAsync(action).GetAwaiter().GetResult()).Any(match), Within, $"an audit entry {action}");
        return rows;
    }

    [Fact]
    public async Task An_admin_lists_people_and_service_accounts_with_kind_role_and_state()
    {
        await KeyApps.AccountAsync(App, "render-pipeline", AppRoles.Operator);

        var accounts = await Admin.ListAsync(await PrincipalOfAsync("ada"), Ct);

        Assert.Contains(accounts, a => a is { Name: "ada", Kind: AccountKind.Person, Role: AppRoles.Admin, State: "active" });
        Assert.Contains(accounts, a => a is { Name: "sara", Kind: AccountKind.Person, Role: AppRoles.Viewer });
        Assert.Contains(accounts, a => a is { Name: "render-pipeline", Kind: AccountKind.Service, Role: AppRoles.Operator });
        Assert.Equal(accounts.Select(a => a.Name).Order(StringComparer.OrdinalIgnoreCase), accounts.Select(a => a.Name));
    }

    [Fact]
    public async Task A_role_change_is_audited_and_ends_the_accounts_open_circuit_and_the_reload_has_the_new_role()
    {
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("olga", Password);
        var circuit = await CircuitClient.OpenAsync(App, browser);
        var olga = await AccountAsync("olga");

        await Admin.SetRoleAsync(await PrincipalOfAsync("ada"), olga.Id, AppRoles.Viewer, "10.0.0.7", Ct);

        Assert.Equal(AppRoles.Viewer, (await AccountAsync("olga")).Role);
        await circuit.Closed.WaitAsync(Within, Ct);
        var reloaded = await PrincipalOfAsync("olga");
        Assert.True(reloaded.IsInRole(AppRoles.Viewer) && !reloaded.IsInRole(AppRoles.Operator));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        await AuditEventuallyAsync(AuditActions.UserRole, e => e is { Outcome: AuditOutcomes.Ok, Target: "olga", ActorName: "ada" });
    }

    [Fact]
    public async Task Disabling_ends_the_circuit_the_cookie_and_the_keys_socket_with_1008_and_enabling_lets_the_account_back_in()
    {
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("dora", Password);
        var circuit = await CircuitClient.OpenAsync(App, browser);
        var dora = await AccountAsync("dora");
        var (_, keyText) = await App.Services.GetRequiredService<ApiKeyStore>().CreateAsync(dora.Id, "dora's script", ApiScope.Read, null, "test", Ct);
        await using var socket = await WsClient.ConnectAsync(App.BaseAddress, query: "access_token=" + keyText);
        await socket.ReceiveTypeAsync("initial_jobs");
        var ada = await PrincipalOfAsync("ada");

        await Admin.SetDisabledAsync(ada, dora.Id, disabled: true, null, Ct);

        Assert.Equal("disabled", (await AccountAsync("dora")).State);
        await circuit.Closed.WaitAsync(Within, Ct);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ReceiveCloseAsync(Within));
        Assert.Equal(SessionChecks.AccountLocked, socket.Socket.CloseStatusDescription);
        using (var page = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        using (var rest = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", keyText))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        }

        using var again = new Browser(App);
        using (var refused = await again.SignInAsync("dora", Password))
        {
            Assert.StartsWith("/login?failed=true", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        await Admin.SetDisabledAsync(ada, dora.Id, disabled: false, null, Ct);

        Assert.Equal("active", (await AccountAsync("dora")).State);
        await again.SignInOrFailAsync("dora", Password);
        using (var rest = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs", keyText))
        {
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        }

        await AuditEventuallyAsync(AuditActions.UserDisable, e => e is { Outcome: AuditOutcomes.Ok, Target: "dora", ActorName: "ada" });
        await AuditEventuallyAsync(AuditActions.UserEnable, e => e is { Outcome: AuditOutcomes.Ok, Target: "dora", ActorName: "ada" });
    }

    [Fact]
    public async Task A_viewer_an_operator_and_a_key_are_refused_every_action_on_the_server_audited_and_nothing_changes()
    {
        var otto = await AccountAsync("otto");
        var keyPrincipal = new ApiKeyIdentity(9, "ap_test", "a key", (await AccountAsync("ada")).Id, "ada", [AppRoles.Admin], ApiScope.Control).ToPrincipal();
        foreach (var (who, principal) in new[] { ("sara", await PrincipalOfAsync("sara")), ("otto", await PrincipalOfAsync("otto")), ("a key", keyPrincipal) })
        {
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.ListAsync(principal, Ct));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.SetRoleAsync(principal, otto.Id, AppRoles.Admin, null, Ct));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.SetDisabledAsync(principal, otto.Id, true, null, Ct));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.CreateAsync(principal, new NewUserRequest("mallory-" + who.Replace(' ', '-'), AppRoles.Admin, false, Password), null, Ct));
            Assert.False(await Admin.MayAdministerAsync(principal, Ct), who);
        }

        var after = await AccountAsync("otto");
        Assert.Equal((AppRoles.Operator, "active"), (after.Role, after.State));
        Assert.DoesNotContain(await Admin.ListAsync(await PrincipalOfAsync("ada"), Ct), a => a.Name.StartsWith("mallory", StringComparison.Ordinal));
        await AuditEventuallyAsync(AuditActions.UserRole, e => e is { Outcome: AuditOutcomes.Refused, ActorName: "sara" });
        await AuditEventuallyAsync(AuditActions.UserDisable, e => e is { Outcome: AuditOutcomes.Refused, ActorName: "otto" });
        await AuditEventuallyAsync(AuditActions.UserCreate, e => e is { Outcome: AuditOutcomes.Refused, ActorName: "sara" });
    }

    [Fact]
    public async Task An_admin_page_left_open_after_its_account_was_demoted_or_signed_out_elsewhere_can_no_longer_act()
    {
        var stale = await PrincipalOfAsync("bea");
        var target = await AccountAsync("sara");
        await Admin.SetRoleAsync(await PrincipalOfAsync("ada"), (await AccountAsync("bea")).Id, AppRoles.Viewer, null, Ct);

        // The circuit's principal still says Admin (the sweep has not run yet): the server reads the account again.
        Assert.True(stale.IsInRole(AppRoles.Admin));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.SetDisabledAsync(stale, target.Id, true, null, Ct));

        var signedOut = await PrincipalOfAsync("cleo");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await manager.UpdateSecurityStampAsync((await manager.FindByNameAsync("cleo"))!);
        }

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.SetRoleAsync(signedOut, target.Id, AppRoles.Admin, null, Ct));
        Assert.Equal((AppRoles.Viewer, "active"), ((await AccountAsync("sara")).Role, (await AccountAsync("sara")).State));
    }

    [Fact]
    public async Task An_admin_creates_a_person_who_can_sign_in_and_a_service_account_that_cannot_and_bad_requests_change_nothing()
    {
        var ada = await PrincipalOfAsync("ada");

        var person = await Admin.CreateAsync(ada, new NewUserRequest(" nadia ", "operator", false, "nadia's long password"), null, Ct);
        var service = await Admin.CreateAsync(ada, new NewUserRequest("nightly-renders", AppRoles.Viewer, true, null), null, Ct);

        Assert.Equal(("nadia", AppRoles.Operator, AccountKind.Person), (person.Name, person.Role, person.Kind));
        Assert.Equal(AccountKind.Service, (await AccountAsync("nightly-renders")).Kind);
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("nadia", "nadia's long password");
        using (var refused = await new Browser(App).SignInAsync("nightly-renders", ""))
        {
            Assert.StartsWith("/login?failed=true", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var taken = await Assert.ThrowsAsync<ArgumentException>(() => Admin.CreateAsync(ada, new NewUserRequest("NADIA", AppRoles.Viewer, false, "another long password"), null, Ct));
        Assert.Contains("exists already", taken.Message, StringComparison.Ordinal);
        var weak = await Assert.ThrowsAsync<ArgumentException>(() => Admin.CreateAsync(ada, new NewUserRequest("pia", AppRoles.Viewer, false, "short"), null, Ct));
        Assert.Contains("at least 12 characters", weak.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Admin.CreateAsync(ada, new NewUserRequest("pia", "Root", false, "a long enough password"), null, Ct));
        Assert.DoesNotContain(await Admin.ListAsync(ada, Ct), a => a.Name == "pia");
        await AuditEventuallyAsync(AuditActions.UserCreate, e => e is { Outcome: AuditOutcomes.Ok, Target: "nightly-renders", ActorName: "ada" });
    }

    [Fact]
    public async Task The_users_page_is_refused_to_a_viewer_and_an_operator_and_lists_the_accounts_for_an_admin()
    {
        foreach (var name in new[] { "sara", "otto" })
        {
            using var browser = new Browser(App);
            await browser.SignInOrFailAsync(name, Password);
            using var page = await browser.GetAsync("/admin/users");
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        using var admin = new Browser(App);
        await admin.SignInOrFailAsync("ada", Password);
        var html = await admin.TextAsync("/admin/users");
        Assert.Contains("data-account=\"otto\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Disable otto\"", html, StringComparison.Ordinal);
    }
}
