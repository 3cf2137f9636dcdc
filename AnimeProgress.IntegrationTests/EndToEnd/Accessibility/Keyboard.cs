using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>Moving through a page the way a keyboard-only user does: Tab and Shift+Tab, Enter, Space, the arrow keys.</summary>
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
    public static Task<IReadOnlyList<FocusStop>> TabToAsync(IPage page, string selector, int maxTabs = 80, bool backwards = false) =>
        TabUntilAsync(page, selector, "s => document.activeElement?.matches(s) ?? false", selector, maxTabs, backwards);

    /// <summary>Presses Tab until the focus is on a button or link whose own text is <paramref name="text"/>, inside
    /// <paramref name="within"/> (e.g. one table row or a dialog).</summary>
    public static Task<IReadOnlyList<FocusStop>> TabToTextAsync(IPage page, string text, string within = "body", int maxTabs = 80) =>
        TabUntilAsync(page, $"'{text}' in {within}", """
            a => { const e = document.activeElement;
                   return !!e && e.matches('button, a[href]') && e.textContent.trim() === a.text && !!e.closest(a.within); }
            """, new { text, within }, maxTabs, backwards: false);

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="isThere"/> (a function of <paramref name="argument"/>) is
    /// true in the page; every stop on the way must show its focus.</summary>
    private static async Task<IReadOnlyList<FocusStop>> TabUntilAsync(IPage page, string what, string isThere, object argument, int maxTabs, bool backwards)
    {
        var stops = new List<FocusStop>();
        for (var i = 0; i < maxTabs; i++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            var stop = await page.EvaluateAsync<FocusStop>(Focused);
            stops.Add(stop);
            Assert.True(stop.Visible, $"no visible focus on {stop.Name} on the way to {what}");
            if (await page.EvaluateAsync<bool>(isThere, argument))
            {
                return stops;
            }
        }

        throw new Xunit.Sdk.XunitException($"Tab never reached {what} in {maxTabs} presses; it went: {string.Join(" → ", stops.Select(s => s.Name))}");
    }

    /// <summary>
    /// From the top of the page, Tabs to the app bar's link named <paramref name="label"/>, follows it with Enter and waits
    /// for the page at <paramref name="path"/> to show <paramref name="ready"/>.
    /// </summary>
    public static async Task FollowAppBarLinkAsync(IPage page, Uri root, string label, string path, string ready)
    {
        await FromTopAsync(page);
        await TabToAsync(page, $"a[aria-label='{label}']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Uri(root, path).ToString());
        await page.Locator(ready).First.WaitForAsync();
    }

    /// <summary>Starts the next Tab from the top of the page (as after a page load), wherever the focus was.</summary>
    public static Task FromTopAsync(IPage page) => page.EvaluateAsync("() => document.activeElement?.blur()");

    /// <summary>
    /// With the focus on a MudSelect: opens its list with Enter, moves the highlight with the arrow keys to
    /// <paramref name="option"/> and picks it with Enter, as a keyboard user does.
    /// </summary>
    public static async Task ChooseAsync(IPage page, string option)
    {
        await page.Keyboard.PressAsync("Enter");
        var list = page.Locator(".mud-popover-open .mud-list-item");
        await list.First.WaitForAsync();
        var texts = (await list.AllTextContentsAsync()).Select(t => t.Trim()).ToList();
        Assert.Contains(option, texts);
        for (var i = 0; i <= texts.Count; i++)
        {
            var highlighted = await page.Locator(".mud-popover-open .mud-list-item.mud-selected-item").AllTextContentsAsync();
            if (highlighted.Count == 1 && highlighted[0].Trim() == option)
            {
                await page.Keyboard.PressAsync("Enter");
                await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
                return;
            }

            var was = highlighted.Count > 0 ? highlighted[0].Trim() : "";
            await page.Keyboard.PressAsync(texts.IndexOf(option) < texts.IndexOf(was) ? "ArrowUp" : "ArrowDown");
            // The circuit moves the highlight: wait for it before the next key, or two presses would look like one.
            await page.WaitForFunctionAsync(
                "was => (document.querySelector('.mud-popover-open .mud-list-item.mud-selected-item')?.textContent.trim() ?? '') !== was",
                was, new() { Timeout = 5_000 });
        }

        throw new Xunit.Sdk.XunitException($"the arrow keys never highlighted '{option}' among {string.Join(", ", texts)}");
    }

    /// <summary>
    /// With the focus on a days-between filter's Start date: types <paramref name="from"/> over it, Tabs to End date, types
    /// <paramref name="to"/> over that and Tabs on, which applies the range (days as yyyy-MM-dd).
    /// </summary>
    public static async Task TypeDaysAsync(IPage page, DateOnly from, DateOnly to)
    {
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync(from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await TabToAsync(page, "input[aria-label='End date']", maxTabs: 1);
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync(to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.Keyboard.PressAsync("Tab");
    }

    /// <summary>Days that hold no job and no audit entry (long before this app ran), and days round today that hold them all.</summary>
    public static readonly (DateOnly From, DateOnly To) LongAgo = (new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 2));

    public static (DateOnly From, DateOnly To) AroundToday()
    {
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        return (today.AddDays(-1), today.AddDays(1));
    }

    /// <summary>Whether the focused element shows that it has the focus.</summary>
    public static async Task<FocusStop> FocusedAsync(IPage page) => await page.EvaluateAsync<FocusStop>(Focused);

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
        // Twice round: on a live page a card that moves while Tab passes it is reached the second time.
        for (var i = 0; i < (2 * names.Length) + 10 && reached.Count < names.Length; i++)
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

        // A control that left the page meanwhile (a finished job's card) cannot be reached and is not counted.
        var present = new HashSet<string>(await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-kb]')].map(e => e.getAttribute('data-kb'))"), StringComparer.Ordinal);
        var unreached = names.Select((name, i) => (name, id: i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Where(c => present.Contains(c.id) && !reached.Contains(c.id)).Select(c => c.name).ToList();
        return (unreached, invisible.Distinct(StringComparer.Ordinal).ToList());
    }
}
