using System.Net;
using System.Net.WebSockets;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Api;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.IntegrationTests.Web.Limits;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// Open circuits and /ws sockets follow changes (issue 14 item 8) in the real app, with the sweep every half second:
/// a sign-out in another tab, a role change and a lockout end the account's open circuit connection; a revoked key's
/// socket is closed with 1008; everyone else's stay open. Waits are on the sweep's own count, never long sleeps.
/// </summary>
public sealed class OpenSessionTests(OpenSessionTests.SessionsApp sessions) : IClassFixture<OpenSessionTests.SessionsApp>
{
    private const string Password = "a long enough password";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    public sealed class SessionsApp : IAsyncLifetime
    {
        internal AppHost App { get; } = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Accounts:RevalidationInterval"] = "00:00:00.5",
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "true",
        });

        public async ValueTask InitializeAsync()
        {
            foreach (var (name, role) in new[] { ("sara", "Viewer"), ("ulla", "Viewer"), ("olga", "Operator"), ("lars", "Viewer") })
            {
                await Browser.AddUserAsync(App, name, role, Password);
            }

            // Until the app has seen the accounts, loopback is the first start's Admin, which is no account to follow.
            using var anonymous = new Browser(App);
            await Eventually.True(() => anonymous.GetAsync("/").GetAwaiter().GetResult().StatusCode == HttpStatusCode.Found, TimeSpan.FromSeconds(20), "the accounts noticed");
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => sessions.App;

    private SessionSweep Sweep => App.Services.GetRequiredService<SessionSweep>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_out_in_another_tab_ends_the_open_circuit_and_the_accounts_other_sign_ins_but_not_another_account()
    {
        using var tab = new Browser(App);
        using var otherDevice = new Browser(App);
        using var bystander = new Browser(App);
        await tab.SignInOrFailAsync("sara", Password);
        await otherDevice.SignInOrFailAsync("sara", Password);
        await bystander.SignInOrFailAsync("ulla", Password);
        var circuit = await OpenCircuitAsync(tab);
        var unaffected = await OpenCircuitAsync(bystander);

        // The other tab signs out with the form, as the button does.
        var token = await tab.FormTokenAsync("/logout");
        using (var signOut = await tab.PostFormAsync("/account/logout", [new("__RequestVerificationToken", token)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        await circuit.Closed.WaitAsync(Within, Ct);
        await StillOpenAfterTwoMoreSweepsAsync(unaffected);
        // The new stamp ends the account's sign-in on the other device too (documented): its next page is the sign-in.
        using var page = await otherDevice.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await bystander.GetAsync("/")).StatusCode);
        await ClientAddresses.CloseAllAsync([unaffected.Socket]);
    }

    [Fact]
    public async Task An_admin_taking_the_operator_role_away_ends_the_open_circuit_and_the_reload_is_a_viewer()
    {
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("olga", Password);
        var circuit = await OpenCircuitAsync(browser);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            // Through Identity, as the admin page does.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var olga = (await users.FindByNameAsync("olga"))!;
            Assert.True((await users.RemoveFromRoleAsync(olga, AppRoles.Operator)).Succeeded);
            Assert.True((await users.AddToRoleAsync(olga, AppRoles.Viewer)).Succeeded);
        }

        await circuit.Closed.WaitAsync(Within, Ct);
        // The reload is let in with the new role at once (the cookie is checked again, not after its interval).
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        var reopened = await OpenCircuitAsync(browser);
        await StillOpenAfterTwoMoreSweepsAsync(reopened);
        await ClientAddresses.CloseAllAsync([reopened.Socket]);
    }

    [Fact]
    public async Task Locking_the_account_ends_the_open_circuit_and_its_cookie()
    {
        using var browser = new Browser(App);
        await browser.SignInOrFailAsync("lars", Password);
        var circuit = await OpenCircuitAsync(browser);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var lars = (await users.FindByNameAsync("lars"))!;
            Assert.True((await users.SetLockoutEndDateAsync(lars, DateTimeOffset.UtcNow.AddHours(1))).Succeeded);
        }

        await circuit.Closed.WaitAsync(Within, Ct);
        using var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_keys_socket_is_closed_with_1008_and_another_keys_socket_stays_open()
    {
        var (revoked, revokedText) = await KeyApps.KeyAsync(App, "relay", AppRoles.Viewer, ApiScope.Read);
        var (_, keptText) = await KeyApps.KeyAsync(App, "prometheus", AppRoles.Viewer, ApiScope.Read);
        await using var doomed = await WsClient.ConnectAsync(App.BaseAddress, o => o.SetRequestHeader("Authorization", "Bearer " + revokedText));
        await using var kept = await WsClient.ConnectAsync(App.BaseAddress, query: "access_token=" + keptText);
        await doomed.ReceiveTypeAsync("initial_jobs");
        await kept.ReceiveTypeAsync("initial_jobs");

        Assert.True(await App.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(revoked.Id, Ct));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await doomed.ReceiveCloseAsync(Within));
        Assert.Equal(SessionChecks.KeyRevoked, doomed.Socket.CloseStatusDescription);
        await WaitForSweepsAsync(2);
        await kept.SendAsync("{\"type\":\"ping\"}");
        await kept.ReceiveTypeAsync("pong");
    }

    private async Task WaitForSweepsAsync(int count)
    {
        var target = Sweep.Sweeps + count;
        await Eventually.True(() => Sweep.Sweeps >= target, Within, $"{count} more sweeps");
    }

    private async Task StillOpenAfterTwoMoreSweepsAsync(OpenCircuit circuit)
    {
        // Two: the first finding tells, the second cuts; an unaffected connection meets neither.
        await WaitForSweepsAsync(3);
        Assert.False(circuit.Closed.IsCompleted, "an unaffected circuit connection was closed");
        Assert.Equal(WebSocketState.Open, circuit.Socket.State);
    }

    private Task<OpenCircuit> OpenCircuitAsync(Browser browser) => CircuitClient.OpenAsync(App, browser);
}
