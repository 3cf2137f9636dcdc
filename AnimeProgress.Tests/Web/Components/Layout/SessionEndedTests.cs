using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Components.Layout;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Components.Layout;

/// <summary>What a circuit ended by the session sweep shows: the reason, then a full reload of the page it is on.</summary>
public sealed class SessionEndedTests : ComponentTestContext
{
    [Fact]
    public void The_layout_says_why_and_reloads_the_page_through_the_server_after_a_moment()
    {
        Authorization.SetAuthorized("olga");
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/fleet");
        var cut = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>body</p>"))));
        var history = navigation.History.Count;

        Services.GetRequiredService<CircuitSession>().End(SessionChecks.RoleChanged);

        cut.WaitForAssertion(() => Assert.Contains("Your role changed.", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(history, navigation.History.Count);
        Time.Advance(TimeSpan.FromSeconds(2));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(history + 1, navigation.History.Count);
            var reload = navigation.History.First();
            Assert.EndsWith("/fleet", reload.Uri, StringComparison.Ordinal);
            Assert.True(reload.Options.ForceLoad);
        });
    }
}
