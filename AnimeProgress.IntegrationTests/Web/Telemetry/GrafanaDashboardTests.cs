using System.Text.Json.Nodes;

namespace AnimeProgress.IntegrationTests.Web.Telemetry;

/// <summary>
/// The Grafana board in docs/grafana/animeprogress.json against a real Prometheus (Debian's package) scraping the
/// running demo: every query of every panel answers with data, as Grafana would ask it. The board has the panels the
/// issue asks for.
/// </summary>
public sealed class GrafanaDashboardTests(ObservedDemo demo) : IClassFixture<ObservedDemo>
{
    /// <summary>What Grafana puts for $__rate_interval on a one-hour board (at least four scrape intervals): the whole test fits in it.</summary>
    private const string RateInterval = "1m";

    private static readonly string[] RequiredPanels =
    [
        "Instances online", "VRAM used per instance", "Queue depth per instance", "Jobs by status", "Jobs completed and failed per minute",
        "Event -> render latency p99", "Viewers and /ws clients", "Write-behind depth and failures", "Notification deliveries and failures", "GC pause and CPU",
    ];

    [Fact]
    public async Task Every_panel_query_returns_data_from_a_prometheus_scraping_the_running_demo()
    {
        var board = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "grafana", "animeprogress.json"), TestContext.Current.CancellationToken))!;
        var panels = board["panels"]!.AsArray().Select(p => p!).ToList();
        Assert.Superset(RequiredPanels.ToHashSet(), panels.Select(p => p["title"]!.GetValue<string>()).ToHashSet());

        // Work for every panel: a viewer, jobs running and finishing on both machines while Prometheus scrapes.
        var page = await demo.OpenDashboardAsync();
        await using var prometheus = await PrometheusServer.StartAsync(demo.App.BaseAddress);
        // Scraped before the jobs start and after they end, so every rate has the jobs' change inside its window.
        await prometheus.WaitForScrapesAsync(3);
        for (var i = 0; i < 4; i++)
        {
            await demo.SubmitAsync($"board job {i}");
        }

        while (await demo.ListedAsync("completed") < 4)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        await prometheus.WaitForScrapesAsync(await prometheus.ScrapesAsync() + 3);
        foreach (var panel in panels)
        {
            foreach (var target in panel["targets"]!.AsArray())
            {
                var expr = target!["expr"]!.GetValue<string>().Replace("$__rate_interval", RateInterval, StringComparison.Ordinal);
                var result = await prometheus.QueryAsync(expr);
                var title = panel["title"]!.GetValue<string>();
                Assert.True(result.Count > 0, $"'{title}': no data for {expr}");
                Assert.True(result.Any(r => !double.IsNaN(r.Value)), $"'{title}': only NaN for {expr}");
            }
        }

        await page.Context.CloseAsync();
    }
}
