using Microsoft.AspNetCore.Components;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// The axe lists cannot drift from the app: every route a page of AnimeProgress.Web declares (its <c>@page</c>
/// directives, compiled to <see cref="RouteAttribute"/>) is opened by <see cref="AccessibilityBrowserTests"/> or
/// <see cref="SignedInAccessibilityBrowserTests"/>, which audit each page in both themes on a desktop and a phone. A new
/// page fails here until it has its line in one of their lists.
/// </summary>
public sealed class EveryPageIsAuditedTests
{
    [Fact]
    public void Every_routable_page_is_in_an_axe_list()
    {
        var routes = typeof(AnimeProgress.Web.Components.Pages.Dashboard).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), inherit: false).Cast<RouteAttribute>())
            .Select(r => r.Template)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var audited = AccessibilityBrowserTests.Pages.Concat(SignedInAccessibilityBrowserTests.Pages)
            .Select(p => p.RouteTemplate)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        // The page set itself is checked too: a reflection that found nothing would pass anything.
        Assert.Contains("/", routes);
        Assert.Contains("/profile/notifications", routes);
        var missing = routes.Where(r => !audited.Contains(r)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"pages no axe test opens: {string.Join(", ", missing)} (add them to AccessibilityBrowserTests.Pages or SignedInAccessibilityBrowserTests.Pages)");
    }
}
