using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>
/// The app's Content-Security-Policy in a real chromium: every page goes interactive and live under it, and the
/// browser reports no violation (it logs one for each script, style, image or connection the policy blocks).
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Every_page_runs_live_under_the_policy_without_a_violation()
    {
        var page = await fixture.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };

        var response = await page.GotoAsync(fixture.Url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.Contains("script-src 'self' 'nonce-", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await BrowserFixture.WaitForThemeAsync(page);
        await page.Locator(".job-card[data-status=Running]").First.WaitForAsync();

        // Client-side navigation keeps the circuit; each page must render and stay interactive under the policy.
        foreach (var (link, ready) in new[] { ("a[href='fleet']", ".instance-card"), ("a[href='history']", ".mud-table") })
        {
            await page.Locator(link).First.ClickAsync();
            await page.Locator(ready).First.WaitForAsync();
        }

        await page.GotoAsync(fixture.Url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await BrowserFixture.WaitForThemeAsync(page);
        var title = page.Locator(".job-card[data-status=Running] a.job-card__title").First;
        await title.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=job-detail]")).ToBeVisibleAsync();

        // The theme toggle runs through the circuit: an interactive page, not a static one the policy left half-working.
        var root = page.Locator(".app-root");
        var before = await root.GetAttributeAsync("data-theme");
        await page.Locator("[data-testid=theme-toggle]").ClickAsync();
        await Assertions.Expect(root).Not.ToHaveAttributeAsync("data-theme", before ?? "");

        lock (violations)
        {
            Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        }

        await page.Context.CloseAsync();
    }
}
