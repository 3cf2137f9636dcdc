using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AnimeProgress.IntegrationTests.EndToEnd;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenTelemetry.Trace;

namespace AnimeProgress.IntegrationTests.Web.Telemetry;

/// <summary>
/// The demo (two emulated ComfyUI machines over loopback, the real client, no job generator: the tests submit every job
/// through the API), headless chromium for real circuits, and the spans the app records, kept in memory.
/// </summary>
public sealed class ObservedDemo : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private AppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal AppHost App => _app ?? throw new InvalidOperationException("not started");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = AppHost.Start(
            new Dictionary<string, string?>
            {
                ["AnimeProgress:Demo:Enabled"] = "true",
                ["AnimeProgress:Demo:GenerateJobs"] = "false",
                ["AnimeProgress:Demo:Instances"] = "2",
                ["AnimeProgress:Demo:TimeScale"] = "0.25",
                ["AnimeProgress:Demo:FailureRate"] = "0",
            },
            // What an OTLP collector would receive, kept in memory: the app's own tracing setup, its own sources.
            services => services.AddOpenTelemetry().WithTracing(t => t
                .AddSource(AnimeProgress.Core.Telemetry.TelemetryNames.Wildcard)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddInMemoryExporter(_spans)));
        return ValueTask.CompletedTask;
    }

    /// <summary>Every span ended so far (a copy: the exporter keeps adding).</summary>
    internal IReadOnlyList<Activity> Spans()
    {
        App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>Opens the dashboard in a new browser context and waits until its circuit is interactive.</summary>
    internal async Task<IPage> OpenDashboardAsync()
    {
        if (_browser is null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await Chromium.LaunchAsync(_playwright);
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(App.BaseAddress.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await page.WaitForSelectorAsync(".app-root[data-ready=true]");
        return page;
    }

    /// <summary>A short image job through POST /api/jobs (this machine at the first start needs no key).</summary>
    internal async Task<long> SubmitAsync(string title)
    {
        using var http = App.CreateClient();
        using var body = new StringContent(
            $$"""{"title":"{{title}}","kind":"image","workflow":{{DemoWorkflows.Image("x", 4, 1).Workflow.ToJsonString()}}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/api/jobs", UriKind.Relative), body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>How many jobs GET /api/jobs lists with this status (the seed's word).</summary>
    internal async Task<int> ListedAsync(string status)
    {
        using var http = App.CreateClient();
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/jobs?status={status}", UriKind.Relative), Ct));
        return json.RootElement.GetProperty("total").GetInt32();
    }

    internal async Task<PrometheusText> ScrapeAsync()
    {
        using var http = App.CreateClient();
        return PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct));
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
