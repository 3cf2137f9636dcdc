using AnimeProgress.Web.Components.Layout;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace AnimeProgress.Tests.Web.Components.Layout;

public sealed class ThemeToggleTests : ComponentTestContext
{
    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p>body</p>"))));

    [Fact]
    public void A_stored_choice_wins_over_the_OS_preference()
    {
        JSInterop.Setup<string?>("localStorage.getItem", "animeprogress.theme").SetResult("dark");

        var cut = RenderLayout();

        cut.WaitForAssertion(() => Assert.Equal("dark", cut.Find(".app-root").GetAttribute("data-theme")));
    }

    [Fact]
    public void Clicking_the_toggle_switches_the_theme_and_stores_the_choice()
    {
        JSInterop.Setup<string?>("localStorage.getItem", "animeprogress.theme").SetResult("light");
        var cut = RenderLayout();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".app-root").GetAttribute("data-ready")));

        cut.Find("[data-testid=theme-toggle]").Click();

        Assert.Equal("dark", cut.Find(".app-root").GetAttribute("data-theme"));
        var stored = JSInterop.VerifyInvoke("localStorage.setItem");
        Assert.Equal(["animeprogress.theme", "dark"], stored.Arguments);
        Assert.Equal("Switch to light theme", cut.Find("[data-testid=theme-toggle]").GetAttribute("aria-label"));
    }
}
