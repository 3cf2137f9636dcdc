using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.Administration;
using AnimeProgress.Web.Components.Users;
using Bunit;
using MudBlazor;

namespace AnimeProgress.Tests.Web.Components.Users;

/// <summary>The users page's table: each account's kind, role and state, and the one action its state allows.</summary>
public sealed class UserTableTests : ComponentTestContext
{
    private static readonly AccountListing Active = new("1", "ada", AccountKind.Person, AppRoles.Admin, false, null);
    private static readonly AccountListing Disabled = new("2", "dan", AccountKind.Person, AppRoles.Viewer, true, null);
    private static readonly AccountListing Locked = new("3", "lena", AccountKind.SingleSignOn, AppRoles.Operator, false, new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private static readonly AccountListing Service = new("4", "relay", AccountKind.Service, AppRoles.Viewer, false, null);

    [Fact]
    public void Each_row_shows_kind_and_state_and_offers_disable_only_to_an_active_account_and_enable_otherwise()
    {
        Render<MudPopoverProvider>();
        var cut = Render<UserTable>(p => p.Add(t => t.Accounts, [Active, Disabled, Locked, Service]));

        Assert.Equal("active", cut.Find("tr[data-account=ada] [data-state]").TextContent);
        Assert.Equal("disabled", cut.Find("tr[data-account=dan] [data-state]").TextContent);
        Assert.Equal("locked until 2026-11-29 10:15 UTC", cut.Find("tr[data-account=lena] [data-state]").TextContent);
        Assert.Contains("person (single sign-on)", cut.Find("tr[data-account=lena]").TextContent, StringComparison.Ordinal);
        Assert.Contains("service account", cut.Find("tr[data-account=relay]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("button[aria-label='Disable ada']"));
        Assert.NotNull(cut.Find("button[aria-label='Enable dan']"));
        Assert.NotNull(cut.Find("button[aria-label='Enable lena']"));
        Assert.Empty(cut.FindAll("button[aria-label='Enable ada']"));
        Assert.Empty(cut.FindAll("button[aria-label='Disable dan']"));
    }

    [Fact]
    public void Disable_and_enable_hand_the_account_and_the_wish_to_the_page()
    {
        Render<MudPopoverProvider>();
        var asked = new List<(string Name, bool Disabled)>();
        var cut = Render<UserTable>(p => p
            .Add(t => t.Accounts, [Active, Disabled])
            .Add(t => t.OnDisabledChange, change => asked.Add((change.Account.Name, change.Disabled))));

        cut.Find("button[aria-label='Disable ada']").Click();
        cut.Find("button[aria-label='Enable dan']").Click();

        Assert.Equal([("ada", true), ("dan", false)], asked);
    }

    [Fact]
    public void While_a_change_runs_no_button_can_start_another()
    {
        Render<MudPopoverProvider>();
        var cut = Render<UserTable>(p => p.Add(t => t.Accounts, [Active]).Add(t => t.Busy, true));

        Assert.True(cut.Find("button[aria-label='Disable ada']").HasAttribute("disabled"));
    }
}
