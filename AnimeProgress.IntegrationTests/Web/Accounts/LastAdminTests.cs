using System.Security.Claims;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.Administration;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// The users page on a fresh install: the first start's local Admin may make the first account there, and only while
/// it is still the first start (a page opened before keeps its principal); the last enabled Admin can be neither
/// demoted nor disabled, so the page never locks every Admin out.
/// </summary>
public sealed class LastAdminTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private readonly AppHost _app = AppHost.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });

    private UserAdministration Admin => _app.Services.GetRequiredService<UserAdministration>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ClaimsPrincipal> PrincipalOfAsync(string name)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>();
        return await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByNameAsync(name))!);
    }

    [Fact]
    public async Task The_first_start_makes_the_first_admin_then_stops_and_the_last_admin_is_kept()
    {
        var local = FirstStartAccess.Principal();
        Assert.True(await Admin.MayAdministerAsync(local, Ct));

        var root = await Admin.CreateAsync(local, new NewUserRequest("root", AppRoles.Admin, false, Password), null, Ct);

        // The first account ends the first start at once in this process: the page opened before may not act again.
        Assert.False(await Admin.MayAdministerAsync(local, Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.CreateAsync(local, new NewUserRequest("second", AppRoles.Admin, false, Password), null, Ct));

        var self = await PrincipalOfAsync("root");
        var demote = await Assert.ThrowsAsync<InvalidOperationException>(() => Admin.SetRoleAsync(self, root.Id, AppRoles.Operator, null, Ct));
        Assert.Contains("last enabled Admin", demote.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Admin.SetDisabledAsync(self, root.Id, true, null, Ct));

        // A disabled Admin does not count: with the only other Admin disabled, root is still the last one.
        var other = await Admin.CreateAsync(self, new NewUserRequest("backup", AppRoles.Admin, false, Password), null, Ct);
        await Admin.SetDisabledAsync(self, other.Id, true, null, Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Admin.SetRoleAsync(self, root.Id, AppRoles.Viewer, null, Ct));

        await Admin.SetDisabledAsync(self, other.Id, false, null, Ct);
        await Admin.SetRoleAsync(self, root.Id, AppRoles.Viewer, null, Ct);
        var accounts = await Admin.ListAsync(await PrincipalOfAsync("backup"), Ct);
        Assert.Equal(AppRoles.Viewer, accounts.Single(a => a.Name == "root").Role);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
