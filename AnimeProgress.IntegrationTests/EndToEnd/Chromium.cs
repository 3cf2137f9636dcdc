using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd;

/// <summary>Debian's headless chromium as every end-to-end test starts it, and the dashboard's live checks.</summary>
internal static class Chromium
{
    /// <summary>True once some job card's bar is further on than in <c>before</c> (job id → aria-valuenow).</summary>
    public const string AnyBarAdvanced = """
        before => [...document.querySelectorAll('.job-card')].some(card => {
            const bar = card.querySelector('[role=progressbar]');
            const was = before[card.getAttribute('data-job-id')];
            return bar && was !== undefined && parseFloat(bar.getAttribute('aria-valuenow')) > was;
        })
        """;

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, Dictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            ExtraHTTPHeaders = headers,
        });
        context.SetDefaultTimeout(45_000);
        return context;
    }

    /// <summary>Some job's bar moves forward on this page without a reload: the circuit pushes live updates.</summary>
    public static async Task WaitForABarToAdvanceAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.Locator(".job-card[data-status=Running] [role=progressbar]").First.WaitForAsync();
        var before = await page.EvaluateAsync<Dictionary<string, double>>(
            "() => Object.fromEntries([...document.querySelectorAll('.job-card')].map(c => [c.getAttribute('data-job-id'), parseFloat(c.querySelector('[role=progressbar]').getAttribute('aria-valuenow'))]))");
        await page.WaitForFunctionAsync(AnyBarAdvanced, before, new() { Timeout = 60_000 });
    }

    /// <summary>Signs in through the static form, as a person does, and waits for the live page it returns to.</summary>
    public static async Task SignInAsync(IPage page, Uri root, string name, string password, string path = "/")
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(new Uri(root, "/login?ReturnUrl=" + Uri.EscapeDataString(path)).ToString());
        await page.FillAsync("input[name=userName]", name);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("form[action='/account/login'] button[type=submit]");
        await page.WaitForURLAsync(new Uri(root, path).ToString());
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");
    }
}
