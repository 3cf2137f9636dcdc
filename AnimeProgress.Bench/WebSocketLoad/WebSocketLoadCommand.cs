using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace AnimeProgress.Bench.WebSocketLoad;

/// <summary>
/// <c>ws-load --url http://127.0.0.1:5149 --clients 1000 --seconds 30</c>: opens N clients on a running
/// app's /ws (started from the publish output, see docs/benchmarks.md), lets them settle, then measures
/// for a while: how many clients get updates, how many, their size (JSON and on the wire) and the
/// delay from each job state's <c>updated_at</c> to its arrival (median, p99). With <c>--pid</c> it
/// also reads the server's memory and CPU.
/// </summary>
internal sealed class WebSocketLoadCommand : IBenchCommand
{
    private const int ConnectParallelism = 32;

    public string Name => "ws-load";

    public string Usage => "--url <app url> [--clients 1000] [--seconds 30] [--warmup 5] [--compression] [--token T] [--pid <server pid>]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var options, out var problem))
        {
            output.WriteLine(problem);
            output.WriteLine($"usage: ws-load {Usage}");
            return 2;
        }

        var server = options.Pid is { } pid ? new ServerProcess(pid) : null;
        var wsUri = new UriBuilder(options.Url) { Scheme = options.Url.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        using var http = new HttpClient { BaseAddress = options.Url };
        var rssBefore = server?.ResidentBytes();

        output.WriteLine($"ws-load: {options.Clients} clients → {wsUri} (compression {(options.Compression ? "offered" : "off")})");
        var clients = Enumerable.Range(0, options.Clients).Select(_ => new LoadClient(options.Compression)).ToArray();
        var connectWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (client, token) => await client.ConnectAsync(wsUri, options.Token, token));
        connectWatch.Stop();
        var connected = clients.Where(c => c.Connected).ToArray();
        output.WriteLine($"connected {connected.Length}/{clients.Length} in {connectWatch.Elapsed.TotalSeconds:F1} s"
            + (connected.Length < clients.Length ? $"; first error: {clients.First(c => !c.Connected).Error}" : ""));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receivers = connected.Select(c => Task.Run(() => c.ReceiveAsync(stop.Token), CancellationToken.None)).ToArray();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
            var rssConnected = server?.ResidentBytes();
            var cpu0 = server?.CpuSeconds();
            var ownCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var machine0 = MachineCpu.BusySeconds();
            var published1 = await PublishedAsync(http, cancellationToken);
            foreach (var client in connected)
            {
                client.StartMeasuring();
            }

            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken);
            foreach (var client in connected)
            {
                client.StopMeasuring();
            }

            window.Stop();
            var cpu1 = server?.CpuSeconds();
            var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu0).TotalSeconds / window.Elapsed.TotalSeconds;
            var machine = (MachineCpu.BusySeconds() - machine0) / window.Elapsed.TotalSeconds;
            var published2 = await PublishedAsync(http, cancellationToken);
            Report(output, options, clients, connected, window.Elapsed, server, rssBefore, rssConnected, cpu0, cpu1, published1, published2);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load client CPU {ownCpu * 100:F0}% of one core (same machine: it competes with the server)"));
            if (machine is { } busy && cpu0 is { } s0 && cpu1 is { } s1)
            {
                var other = busy - ownCpu - (s1 - s0) / window.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"other processes' CPU {Math.Max(0, other) * 100:F0}% of one core (the machine has {Environment.ProcessorCount})"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(receivers);
            await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (c, _) => await c.DisposeAsync());
        }

        return 0;
    }

    private static void Report(
        TextWriter output,
        Options options,
        LoadClient[] clients,
        LoadClient[] connected,
        TimeSpan window,
        ServerProcess? server,
        long? rssBefore,
        long? rssConnected,
        double? cpu0,
        double? cpu1,
        long? published1,
        long? published2)
    {
        var seconds = window.TotalSeconds;
        var updates = connected.Sum(c => (long)c.Updates);
        var receiving = connected.Count(c => c.Updates > 0);
        var stillOpen = connected.Count(c => c.Error is null);
        var latencies = connected.SelectMany(c => c.Latencies).Order().ToArray();
        var perClient = connected.Select(c => c.Updates).Order().ToArray();
        var inv = CultureInfo.InvariantCulture;

        output.WriteLine(string.Create(inv, $"window {seconds:F1} s; clients connected {connected.Length}/{clients.Length}, still open {stillOpen}, receiving updates {receiving}"));
        if (published1 is { } p1 && published2 is { } p2)
        {
            output.WriteLine(string.Create(inv, $"hub publishes {(p2 - p1) / seconds:F1}/s (job state changes, the events being fanned out)"));
        }

        output.WriteLine(string.Create(inv,
            $"updates received {updates} ({updates / seconds:F0}/s in all); per client min {At(perClient, 0)}, median {At(perClient, 0.5)}, max {At(perClient, 1)}"));
        if (updates > 0)
        {
            output.WriteLine(string.Create(inv,
                $"bytes per update: JSON {connected.Sum(c => c.PayloadBytes) / (double)updates:F0}, on the wire {connected.Sum(c => c.WireBytes) / (double)updates:F0} (framing{(options.Compression ? " and deflate" : "")} included)"));
        }

        if (latencies.Length > 0)
        {
            output.WriteLine(string.Create(inv,
                $"latency updated_at → received, ms (marker resolution 1 ms): median {At(latencies, 0.5):F1}, p90 {At(latencies, 0.9):F1}, p99 {At(latencies, 0.99):F1}, max {At(latencies, 1):F1} over {latencies.Length} frames"));
        }

        if (server is not null && rssBefore is { } before && rssConnected is { } withClients && cpu0 is { } c0 && cpu1 is { } c1)
        {
            var perClientKiB = connected.Length > 0 ? (withClients - before) / 1024.0 / connected.Length : 0;
            output.WriteLine(string.Create(inv,
                $"server RSS {before / 1048576.0:F0} MiB before, {withClients / 1048576.0:F0} MiB with the clients ({perClientKiB:F0} KiB per client); server CPU {(c1 - c0) / seconds * 100:F0}% of one core"));
        }

        foreach (var error in connected.Where(c => c.Error is not null).GroupBy(c => c.Error).Take(3))
        {
            output.WriteLine($"  {error.Count()} clients: {error.Key}");
        }
    }

    private static T At<T>(T[] sorted, double quantile) =>
        sorted.Length == 0 ? default! : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(quantile * sorted.Length))];

    /// <summary>The hub's publish counter, when the app serves load stats (AnimeProgress:Diagnostics:LoadStats).</summary>
    private static async Task<long?> PublishedAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/diagnostics/loadstats", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.TryGetProperty("published", out var published) ? published.GetInt64() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return null;
        }
    }

    private static bool TryParse(string[] args, out Options options, out string? problem)
    {
        options = new Options();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url):
                    options.Url = url;
                    i++;
                    break;
                case "--clients" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0:
                    options.Clients = n;
                    i++;
                    break;
                case "--seconds" when int.TryParse(value, CultureInfo.InvariantCulture, out var s) && s > 0:
                    options.Seconds = s;
                    i++;
                    break;
                case "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out var w) && w >= 0:
                    options.WarmupSeconds = w;
                    i++;
                    break;
                case "--pid" when int.TryParse(value, CultureInfo.InvariantCulture, out var pid) && pid > 0:
                    options.Pid = pid;
                    i++;
                    break;
                case "--token" when !string.IsNullOrEmpty(value):
                    options.Token = value;
                    i++;
                    break;
                case "--compression":
                    options.Compression = true;
                    break;
                default:
                    problem = $"ws-load: cannot read '{args[i]}'" + (value is null ? "" : $" {value}");
                    return false;
            }
        }

        if (options.Url is null)
        {
            problem = "ws-load: --url is required (the address of a running AnimeProgress)";
            return false;
        }

        return true;
    }

    private sealed class Options
    {
        public Uri Url { get; set; } = null!;
        public int Clients { get; set; } = 1000;
        public int Seconds { get; set; } = 30;
        public int WarmupSeconds { get; set; } = 5;
        public bool Compression { get; set; }
        public string? Token { get; set; }
        public int? Pid { get; set; }
    }
}
