using AnimeProgress.Bench.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Bench.ListenLatency;
using AnimeProgress.Bench.WebSocketLoad;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.Bench.RelayLoad;

/// <summary>
/// <c>relay [--clients 200] [--jobs 20] [--steps 40] [--time-scale 0.02] [--view-mb 20] [--view-rounds 6] [--app DLL]</c>:
/// what the ComfyUI relay adds (issue 17). An emulated ComfyUI (fast: time scale 0.02; 0 sends each prompt's frames as
/// one burst) runs prompts posted without a
/// client id, whose progress and previews ComfyUI sends to every socket; one socket straight to ComfyUI and one (then
/// <c>--clients</c>) through the relay of the app (its own process) receive the same frames, and each frame's arrival
/// on a relayed socket is compared with its arrival on the direct one. Then <c>/view</c> of a <c>--view-mb</c> image,
/// straight and through the relay in alternating rounds; and the app's resident memory per connected relay client.
/// </summary>
internal sealed class RelayLoadCommand : IBenchCommand
{
    public string Name => "relay";

    public string Usage => "[--clients 200] [--jobs 20] [--steps 40] [--time-scale 0.02] [--view-mb 20] [--view-rounds 6] [--app <AnimeProgress.Web.dll>]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--clients"] = "200", ["--jobs"] = "20", ["--steps"] = "40", ["--view-mb"] = "20", ["--view-rounds"] = "6", ["--time-scale"] = "0.02",
        };
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
                output.WriteLine($"relay: unknown option {args[i]}; usage: relay {Usage}");
                return 2;
            }
        }

        int Int(string key) => int.Parse(options[key], CultureInfo.InvariantCulture);
        var (clients, jobs, steps, viewMb, viewRounds) = (Int("--clients"), Int("--jobs"), Int("--steps"), Int("--view-mb"), Int("--view-rounds"));
        var inv = CultureInfo.InvariantCulture;
        var timeScale = double.Parse(options["--time-scale"], inv);

        await using var comfy = await ComfyUiEmulatorServer.StartAsync(
            new EmulatorOptions { Port = 0, TimeScale = timeScale, ViewImageBytes = viewMb * 1_000_000L }, cancellationToken);
        await using var web = WebAppProcess.Start(WebAppProcess.Locate(app), new Dictionary<string, string>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-1",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = comfy.BaseUrl.ToString(),
            ["AnimeProgress:Demo:Enabled"] = "false",
        });
        await web.WaitReadyAsync(TimeSpan.FromSeconds(90), cancellationToken);
        var server = new ServerProcess(web.Pid);
        var directWs = WsUrl(comfy.BaseUrl);
        var relayWs = WsUrl(new Uri(web.Url, "comfyui/gpu-1/"));
        output.WriteLine(string.Create(inv, $"relay: emulator at time scale {timeScale} (0: no simulated delays, one burst), app pid {web.Pid}; {jobs} prompts × {steps} steps per phase, posted without a client id (broadcast)"));

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        // Phase 0 warms the app up (JIT, connection pools) and is not reported.
        var phases = new[] { 1, 1, clients };
        for (var phase = 0; phase < phases.Length; phase++)
        {
            var relayed = phases[phase];
            var phaseJobs = phase == 0 ? Math.Min(jobs, 3) : jobs;
            await using var direct = await ArrivalRecorder.ConnectAsync(directWs(phase + "-direct"), cancellationToken);
            var rssBefore = server.ResidentBytes();
            var relayClients = new List<ArrivalRecorder>();
            for (var i = 0; i < relayed; i++)
            {
                relayClients.Add(await ArrivalRecorder.ConnectAsync(relayWs($"{phase}-relayed-{i}"), cancellationToken));
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            GC.Collect();
            var rssConnected = server.ResidentBytes();
            direct.Start();
            foreach (var client in relayClients)
            {
                client.Start();
            }

            var cpu0 = server.CpuSeconds();
            var watch = Stopwatch.StartNew();
            for (var j = 0; j < phaseJobs; j++)
            {
                using var posted = await http.PostAsJsonAsync(new Uri(comfy.BaseUrl, "prompt"), new JsonObject { ["prompt"] = SamplerGraph.Of(steps, phase * 1000 + j, "relay") }, cancellationToken);
                posted.EnsureSuccessStatusCode();
            }

            await SamplerGraph.WaitForEmptyQueueAsync(http, comfy.BaseUrl, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var cpu = server.CpuSeconds() - cpu0;
            var cpuSeconds = watch.Elapsed.TotalSeconds;
            var reference = direct.Frames;
            var seconds = reference.Count > 1 ? Stopwatch.GetElapsedTime(reference[0].At, reference[^1].At).TotalSeconds : double.NaN;
            var added = new List<double>();
            var missing = 0;
            foreach (var client in relayClients)
            {
                missing += Compare(reference, client.Frames, added);
            }

            added.Sort();
            if (phase == 0)
            {
                foreach (var client in relayClients)
                {
                    await client.DisposeAsync();
                }

                continue;
            }

            output.WriteLine(string.Create(inv,
                $"phase {phase}: {relayed} relayed client(s), {reference.Count} frames each in {seconds:F1} s ({reference.Count / seconds:F0} frames/s per socket); added latency per frame (relayed − direct arrival): median {Percentile(added, 0.5):F2} ms, p99 {Percentile(added, 0.99):F2} ms, max {added.LastOrDefault():F2} ms; frames missing or out of order: {missing}; app CPU {cpu / cpuSeconds * 100:F0} % of one core; app RSS {rssBefore / 1048576.0:F0} → {rssConnected / 1048576.0:F0} MiB with the clients connected ({(rssConnected - rssBefore) / 1024.0 / relayed:F0} KiB per relayed client)"));
            foreach (var client in relayClients)
            {
                await client.DisposeAsync();
            }
        }

        await MeasureViewAsync(http, comfy.BaseUrl, new Uri(web.Url, "comfyui/gpu-1/"), viewMb, viewRounds, output, cancellationToken);
        return 0;
    }

    /// <summary>Arrival differences for the frames both sockets got, in order; returns how many the relayed one lacks or has out of place.</summary>
    private static int Compare(IReadOnlyList<(long At, ulong Fingerprint)> direct, IReadOnlyList<(long At, ulong Fingerprint)> relayed, List<double> added)
    {
        var problems = 0;
        var r = 0;
        foreach (var (at, fingerprint) in direct)
        {
            var match = -1;
            for (var k = r; k < Math.Min(relayed.Count, r + 64); k++)
            {
                if (relayed[k].Fingerprint == fingerprint)
                {
                    match = k;
                    break;
                }
            }

            if (match < 0)
            {
                problems++;
                continue;
            }

            problems += match - r;
            added.Add(Stopwatch.GetElapsedTime(at, relayed[match].At).TotalMilliseconds);
            r = match + 1;
        }

        return problems;
    }

    private static async Task MeasureViewAsync(HttpClient http, Uri direct, Uri relay, int viewMb, int rounds, TextWriter output, CancellationToken cancellationToken)
    {
        var history = await http.GetFromJsonAsync<JsonObject>(new Uri(direct, "history?max_items=1"), cancellationToken);
        var image = history!.First().Value!["outputs"]!.AsObject().First().Value!["images"]![0]!;
        var query = $"view?filename={image["filename"]}&subfolder={image["subfolder"]}&type=output";
        var directMbps = new List<double>();
        var relayMbps = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            directMbps.Add(await DownloadAsync(http, new Uri(direct, query), cancellationToken));
            relayMbps.Add(await DownloadAsync(http, new Uri(relay, query), cancellationToken));
        }

        directMbps.Sort();
        relayMbps.Sort();
        var (d, r) = (Percentile(directMbps, 0.5), Percentile(relayMbps, 0.5));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"/view of a {viewMb} MB image, {rounds} alternating rounds: direct median {d:F0} MB/s, relayed median {r:F0} MB/s ({r / d * 100:F0} % of direct)"));
    }

    private static async Task<double> DownloadAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total / 1_000_000.0 / watch.Elapsed.TotalSeconds;
    }

    private static Func<string, Uri> WsUrl(Uri baseUrl) => clientId =>
        new UriBuilder(new Uri(baseUrl, "ws?clientId=" + clientId)) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws" }.Uri;

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
}
