using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>Moving through a page the way a keyboard-only user does: Tab, and nothing else.</summary>
internal static class Keyboard
{
    /// <summary>
    /// Every control a keyboard user should reach, visible ones only, each tagged so it can be recognised. A control a
    /// component takes out of the Tab order on purpose (tabindex -1, e.g. a date picker's icon, which its field opens
    /// from the keyboard) is not one of them.
    /// </summary>
    private const string TagControls = """
        () => {
            const controls = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]')]
                .filter(e => e.getAttribute('tabindex') !== '-1')
                .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[aria-hidden=true], [inert]'));
            controls.forEach((e, i) => e.setAttribute('data-kb', String(i)));
            return controls.map(e => e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40) || e.tagName);
        }
        """;

    /// <summary>What has the focus now, and whether a sighted keyboard user can see that it has (an outline or a shadow).</summary>
    private const string Focused = """
        () => {
            const e = document.activeElement;
            if (!e || e === document.body) return { id: null, name: 'body', visible: true };
            const s = getComputedStyle(e);
            const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
            return { id: e.getAttribute('data-kb'), name: (e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40) || e.tagName), visible };
        }
        """;

    /// <summary>One Tab stop (a class with setters: Playwright fills it from the page's answer).</summary>
    public sealed class FocusStop
    {
        public string? Id { get; set; }

        public string Name { get; set; } = "";

        public bool Visible { get; set; }
    }

    /// <summary>Presses Tab until the focus is on an element matching <paramref name="selector"/>; fails if it never is.</summary>
    public static async Task<IReadOnlyList<FocusStop>> TabToAsync(IPage page, string selector, int maxTabs = 80)
    {
        var stops = new List<FocusStop>();
        for (var i = 0; i < maxTabs; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            stops.Add(await page.EvaluateAsync<FocusStop>(Focused));
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return stops;
            }
        }

        throw new Xunit.Sdk.XunitException($"Tab never reached {selector} in {maxTabs} presses; it went: {string.Join(" → ", stops.Select(s => s.Name))}");
    }

    /// <summary>
    /// Tabs once round the whole page from the top and returns the controls Tab never reached, and the stops where the
    /// focus could not be seen.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Unreached, IReadOnlyList<string> Invisible)> TabRoundAsync(IPage page)
    {
        var names = await page.EvaluateAsync<string[]>(TagControls);
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var invisible = new List<string>();
        for (var i = 0; i < names.Length + 10; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<FocusStop>(Focused);
            if (stop.Id is not null)
            {
                reached.Add(stop.Id);
            }

            if (!stop.Visible)
            {
                invisible.Add(stop.Name);
            }
        }

        var unreached = names.Select((name, i) => (name, i)).Where(c => !reached.Contains(c.i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Select(c => c.name).ToList();
        return (unreached, invisible.Distinct(StringComparer.Ordinal).ToList());
    }
}
