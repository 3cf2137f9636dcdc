using AnimeProgress.Bench.Common;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Bench.ListenLatency;
using AnimeProgress.ComfyUiEmulator;
using Microsoft.Playwright;

namespace AnimeProgress.Bench.BrowserLatency;

/// <summary>
/// <c>browser-latency [--steps 120] [--step-seconds 1] [--jobs-per-instance 1] [--max-renders 5] [--app DLL]</c>:
/// ComfyUI message → changed DOM in Chromium (issue 15, goal 2). Two emulated instances each run a sampler that sends
/// one <c>progress</c> message per <c>--step-seconds</c>, broadcast (posted without a client id), so a socket of the
/// bench's own notes when each was sent. The app (its own process) follows both; Debian's Chromium shows its dashboard
/// and a mutation observer notes when each card's bar changed. The latency of a message is the time from its arrival on
/// the bench's socket to the first change of its instance's card after it (and before that instance's next message).
/// </summary>
internal sealed class BrowserLatencyCommand : IBenchCommand
{
    public string Name => "browser-latency";

    public string Usage => "[--steps 120] [--step-seconds 1] [--max-renders 5] [--app <AnimeProgress.Web.dll>]";

    private static readonly string[] Instances = ["gpu-1", "gpu-2"];

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal) { ["--steps"] = "120", ["--step-seconds"] = "1", ["--max-renders"] = "5" };
        string? app = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--app")
            {
                app = args[i + 1];
            }
            else if (options.ContainsKey(args[i]))
            {
                options[args[i]] = args[i + 1];
            }
            else
            {
                output.WriteLine($"browser-latency: unknown option {args[i]}; usage: browser-latency {Usage}");
                return 2;
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var steps = int.Parse(options["--steps"], inv);
        var stepSeconds = double.Parse(options["--step-seconds"], inv);
        // The emulator's sampler takes 0.25 s per step at time scale 1 (a 512×512 image).
        var timeScale = stepSeconds / 0.25;

        var emulators = new List<ComfyUiEmulatorServer>();
        try
        {
            foreach (var _ in Instances)
            {
                emulators.Add(await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = timeScale }, cancellationToken));
            }

            var settings = new Dictionary<string, string>
            {
                ["AnimeProgress:Demo:Enabled"] = "false",
                ["AnimeProgress:Dashboard:MaxRendersPerSecond"] = options["--max-renders"],
                // The browser watches as a wall screen does: no sign-in, read-only.
                ["AnimeProgress:Access:AnonymousRole"] = "Viewer",
                ["AnimeProgress:Access:AnonymousNetworks:0"] = "127.0.0.1/32",
            };
            for (var i = 0; i < Instances.Length; i++)
            {
                settings[$"AnimeProgress:ComfyUi:Instances:{i}:Name"] = Instances[i];
                settings[$"AnimeProgress:ComfyUi:Instances:{i}:BaseUrl"] = emulators[i].BaseUrl.ToString();
            }

            await using var web = WebAppProcess.Start(WebAppProcess.Locate(app), settings);
            await web.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
            await page.GotoAsync(web.Url.ToString());
            await page.WaitForSelectorAsync(".app-root[data-ready=true]");

            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            output.WriteLine(string.Create(inv, $"browser-latency: 2 instances, one running job each, one progress message per {stepSeconds} s per job; render cap {options["--max-renders"]}/s; app pid {web.Pid}"));

            // Warm-up (JIT, the circuit's first renders), not reported.
            await RunJobsAsync(http, emulators, steps: 5, seed: 1, cancellationToken);

            var recorder = await DomChangeRecorder.StartAsync(page);
            var sources = new List<ProgressSendRecorder>();
            for (var i = 0; i < Instances.Length; i++)
            {
                sources.Add(await ProgressSendRecorder.ConnectAsync(Instances[i], WsUrl(emulators[i].BaseUrl), cancellationToken));
            }

            await RunJobsAsync(http, emulators, steps, seed: 2, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var sent = sources.SelectMany(s => s.Sent).ToList();
            var changes = await recorder.ChangesAsync();
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }

            var (latencies, unseen) = EventToDom.Match(sent, changes, Instances);
            latencies.Sort();
            output.WriteLine(string.Create(inv,
                $"clock: browser − bench {recorder.Clock.OffsetMs:F2} ms, measured within a {recorder.Clock.RoundTripMs:F2} ms round trip"));
            output.WriteLine(string.Create(inv,
                $"progress messages {sent.Count}, shown {latencies.Count}, not shown before the next message {unseen}; event → DOM: p50 {EventToDom.Percentile(latencies, 0.5):F1} ms, p90 {EventToDom.Percentile(latencies, 0.9):F1} ms, p99 {EventToDom.Percentile(latencies, 0.99):F1} ms, max {latencies.LastOrDefault():F1} ms"));
            return 0;
        }
        finally
        {
            foreach (var emulator in emulators)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    /// <summary>One job per instance, started together, and waits until every instance is idle again.</summary>
    private static async Task RunJobsAsync(HttpClient http, List<ComfyUiEmulatorServer> emulators, int steps, int seed, CancellationToken cancellationToken)
    {
        foreach (var emulator in emulators)
        {
            using var posted = await http.PostAsJsonAsync(new Uri(emulator.BaseUrl, "prompt"), new JsonObject { ["prompt"] = SamplerGraph.Of(steps, seed, "latency") }, cancellationToken);
            posted.EnsureSuccessStatusCode();
        }

        foreach (var emulator in emulators)
        {
            await SamplerGraph.WaitForEmptyQueueAsync(http, emulator.BaseUrl, cancellationToken);
        }
    }

    private static Uri WsUrl(Uri baseUrl) => new UriBuilder(new Uri(baseUrl, "ws?clientId=browser-latency-bench")) { Scheme = "ws" }.Uri;
}
