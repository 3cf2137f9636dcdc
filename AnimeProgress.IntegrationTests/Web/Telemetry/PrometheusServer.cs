using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AnimeProgress.IntegrationTests.Web.Telemetry;

/// <summary>
/// Debian's <c>prometheus</c> (test.sh installs it) on a loopback port, with its own throwaway storage, scraping one
/// target every second; queries go through its HTTP API, as Grafana's do.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = address };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="target">The app's address; <c>/metrics</c> is scraped there every second.</param>
    public static async Task<PrometheusServer> StartAsync(Uri target)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: test.sh installs Debian's prometheus package");
        var directory = Directory.CreateTempSubdirectory("animeprogress-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: animeprogress
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target.Authority}']
            """, Ct);
        var port = FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        // Drain its output so a chatty process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>How many times Prometheus has scraped the target so far (in the last five minutes).</summary>
    public async Task<int> ScrapesAsync()
    {
        var samples = await QueryAsync("count_over_time(up{job=\"animeprogress\"}[5m])");
        return samples.Count == 0 ? 0 : (int)samples[0].Value;
    }

    /// <summary>Waits until Prometheus has scraped the target successfully this many times.</summary>
    public async Task WaitForScrapesAsync(int scrapes)
    {
        var since = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var samples = await QueryAsync("count_over_time(up{job=\"animeprogress\"}[5m])");
            var up = await QueryAsync("up{job=\"animeprogress\"}");
            if (samples.Count > 0 && samples[0].Value >= scrapes && up.Count > 0 && up[0].Value == 1)
            {
                return;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(since) < TimeSpan.FromSeconds(60), $"Prometheus did not scrape the app {scrapes} times");
            await Task.Delay(500, Ct);
        }
    }

    /// <summary>An instant query, now: each series' labels and value (NaN included, as Prometheus says it).</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync(new Uri("api/v1/query?query=" + Uri.EscapeDataString(promql), UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{promql}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        var data = json.RootElement.GetProperty("data");
        var results = new List<(IReadOnlyDictionary<string, string>, double)>();
        if (data.GetProperty("resultType").GetString() == "scalar")
        {
            results.Add((new Dictionary<string, string>(), Number(data.GetProperty("result")[1].GetString()!)));
            return results;
        }

        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            results.Add((labels, Number(series.GetProperty("value")[1].GetString()!)));
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitReadyAsync()
    {
        var since = TimeProvider.System.GetTimestamp();
        while (true)
        {
            Assert.False(_process.HasExited, $"prometheus exited with {(_process.HasExited ? _process.ExitCode : 0)}");
            try
            {
                using var ready = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), Ct);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(TimeProvider.System.GetElapsedTime(since) < TimeSpan.FromSeconds(60), "prometheus did not become ready");
            await Task.Delay(200, Ct);
        }
    }

    private static double Number(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
