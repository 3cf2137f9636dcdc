using System.Diagnostics;
using System.Globalization;
using AnimeProgress.Bench.ListenLatency;
using AnimeProgress.Bench.WebSocketLoad;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>
/// <c>notify</c> (issue 18): the app as its own process (SQLite, its built-in demo: emulated ComfyUI machines and a job
/// generator that tells a share of its jobs to fail through ComfyUI's extra_data), a webhook channel and a rule for job
/// outcomes declared in configuration, pointing at a Kestrel receiver in this process.
/// <list type="bullet">
/// <item><b>healthy</b>: the receiver answers at once; event (<c>occurred_at</c>, the moment the app saw ComfyUI finish
/// the prompt) → request arrived, per event, p50/p90/p99.</item>
/// <item><b>slow</b>: the receiver answers after a delay; events per minute delivered over a few minutes, the outbox
/// backlog, and the app's resident memory and managed heap sampled throughout.</item>
/// </list>
/// </summary>
internal sealed class NotificationDeliveryCommand : IBenchCommand
{
    /// <summary>The issue's goal for a healthy receiver.</summary>
    public const double TargetP99Ms = 1000;

    private const string Events = "job.completed,job.failed,job.cancelled,job.lost";

    public string Name => "notify";

    public string Usage => "[--phase healthy|slow|both] [--rate 4] [--failure-rate 0.2] [--events 300] [--warmup 15] [--delay 3] [--receiver-concurrency 0] [--minutes 3] [--digest-after N] [--sample 5] [--instances 4] [--time-scale 0.01] [--separate-emulators] [--retained N] [--app <AnimeProgress.Web.dll>]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (!NotifyOptions.TryParse(args, out var options, out var problem))
        {
            output.WriteLine(problem);
            output.WriteLine($"usage: notify {Usage}");
            return 2;
        }

        string appDll;
        try
        {
            appDll = WebAppProcess.Locate(options.App);
        }
        catch (FileNotFoundException ex)
        {
            output.WriteLine($"notify: {ex.Message}");
            return 2;
        }

        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv,
            $"notify: {Environment.ProcessorCount} cores, load average {LoadAverage()}; demo: {options.Instances} emulated GPUs{(options.SeparateEmulators ? " (in the bench's process)" : "")} at time scale {options.TimeScale}, {options.Rate} jobs/s submitted, {options.FailureRate:P0} told to fail{(options.Retained is { } k ? $"; finished jobs kept in memory: {k}" : "")}"));
        var code = 0;
        if (options.Healthy)
        {
            code = Math.Max(code, await HealthyAsync(options, appDll, output, cancellationToken));
        }

        if (options.Slow)
        {
            code = Math.Max(code, await SlowAsync(options, appDll, output, cancellationToken));
        }

        return code;
    }

    private static async Task<int> HealthyAsync(NotifyOptions options, string appDll, TextWriter output, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var secret = WebhookReceiver.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync(secret, TimeSpan.Zero, 0, cancellationToken);
        var metricsPort = WebAppProcess.FreePort();
        await using var emulators = options.SeparateEmulators ? await SeparateEmulators.StartAsync(options.Instances, options.TimeScale, cancellationToken) : null;
        await using var app = await StartAppAsync(options, emulators, appDll, receiver.Url, secret, metricsPort, digestAfter: null, output, cancellationToken);
        using var sampler = Sampler(app, metricsPort);
        var measureFrom = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.WarmupSeconds);
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
        var load = LoadWindow.Begin(sampler);

        // Until the wanted number of events happened (by occurred_at) and then a drain, so that events that happened
        // just before the cut are waited for too: cutting at the last arrival would keep only the fast ones.
        var deadline = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(60 + (3 * options.Events / options.Rate));
        DateTimeOffset? cut = null;
        while (cut is null && deadline.Elapsed < budget && !app.HasExited)
        {
            await Task.Delay(1000, cancellationToken);
            var happened = receiver.Requests.SelectMany(r => r.Events).Where(e => e.OccurredAt >= measureFrom)
                .Select(e => e.OccurredAt).Distinct().Order().ToList();
            if (happened.Count >= options.Events)
            {
                cut = happened[options.Events - 1];
            }
        }

        if (cut is null)
        {
            output.WriteLine(string.Create(inv, $"healthy: only {DeliveryStats.Latencies(receiver.Requests, measureFrom).Length} of {options.Events} events arrived within {budget.TotalSeconds:F0} s"));
            output.WriteLine(app.Tail());
            return 1;
        }

        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        var window = load.End();
        var requests = receiver.Requests.ToList();
        var latencies = DeliveryStats.Latencies(requests.Select(r => r with { Events = [.. r.Events.Where(e => e.OccurredAt <= cut)] }), measureFrom);
        var span = cut.Value - measureFrom;
        var end = await sampler.SampleAsync(TimeSpan.Zero, requests.Sum(r => r.Events.Count), cancellationToken);
        var failed = requests.SelectMany(r => r.Events).Where(e => e.OccurredAt >= measureFrom && e.OccurredAt <= cut).Count(e => e.Type != "job.completed");

        output.WriteLine();
        output.WriteLine("## healthy receiver (answers 200 at once)");
        output.WriteLine(string.Create(inv,
            $"events measured: {latencies.Length} ({failed} failed) that happened within {span.TotalSeconds:F0} s after {options.WarmupSeconds} s of warm-up, {latencies.Length / span.TotalMinutes:F0}/min"));
        output.WriteLine(string.Create(inv,
            $"event → webhook received, ms: p50 {P(latencies, 0.5):F0}, p90 {P(latencies, 0.9):F0}, p99 {P(latencies, 0.99):F0}, max {P(latencies, 1):F0}; over {TargetP99Ms:F0} ms: {latencies.Count(l => l > TargetP99Ms)}"));
        output.WriteLine(string.Create(inv,
            $"requests: {requests.Count}, signature not valid: {requests.Count(r => !r.Signed)}, events received twice: {DeliveryStats.Duplicates(requests)}; outbox at the end: {end.Delivered} delivered, {end.Pending} pending, {end.Dead} dead"));
        output.WriteLine(string.Create(inv, $"app memory at the end: RSS {Mb(end.ResidentBytes)} MB, managed heap {Mb(end.HeapBytes)} MB"));
        var slowest = requests.SelectMany(r => r.Events.Select(e => (e.Id, e.OccurredAt, r.Arrived, r.MessageId)))
            .Where(e => e.OccurredAt >= measureFrom && e.OccurredAt <= cut).OrderByDescending(e => e.Arrived - e.OccurredAt).Take(3);
        output.WriteLine("slowest: " + string.Join("; ", slowest.Select(e => string.Create(inv, $"{e.Id} at {e.OccurredAt:HH:mm:ss.fff} arrived {e.Arrived:HH:mm:ss.fff}"))));
        output.WriteLine(window.Describe());
        return P(latencies, 0.99) <= TargetP99Ms ? 0 : 1;
    }

    private static async Task<int> SlowAsync(NotifyOptions options, string appDll, TextWriter output, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var secret = WebhookReceiver.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync(secret, TimeSpan.FromSeconds(options.DelaySeconds), options.ReceiverConcurrency, cancellationToken);
        var metricsPort = WebAppProcess.FreePort();
        await using var emulators = options.SeparateEmulators ? await SeparateEmulators.StartAsync(options.Instances, options.TimeScale, cancellationToken) : null;
        await using var app = await StartAppAsync(options, emulators, appDll, receiver.Url, secret, metricsPort, options.DigestAfter, output, cancellationToken);
        using var sampler = Sampler(app, metricsPort);

        var samples = new List<AppSample>();
        var watch = Stopwatch.StartNew();
        var length = TimeSpan.FromMinutes(options.Minutes);
        LoadWindow? load = null;
        DateTimeOffset? windowStart = null;
        while (watch.Elapsed < length && !app.HasExited)
        {
            if (load is null && watch.Elapsed >= TimeSpan.FromSeconds(options.WarmupSeconds))
            {
                load = LoadWindow.Begin(sampler);
                windowStart = DateTimeOffset.UtcNow;
            }

            var received = receiver.Requests.SelectMany(r => r.Events).Select(e => e.Id).Distinct(StringComparer.Ordinal).Count();
            samples.Add(await sampler.SampleAsync(watch.Elapsed, received, cancellationToken));
            await Task.Delay(TimeSpan.FromSeconds(options.SampleSeconds), cancellationToken);
        }

        var window = load?.End();
        var windowEnd = DateTimeOffset.UtcNow;
        var requests = receiver.Requests.ToList();
        var measured = samples.Where(s => s.At >= TimeSpan.FromSeconds(options.WarmupSeconds)).ToList();

        output.WriteLine();
        var limit = options.ReceiverConcurrency > 0 ? string.Create(inv, $", {options.ReceiverConcurrency} at a time") : "";
        var digest = options.DigestAfter is { } d ? string.Create(inv, $", digest after {d} a minute") : ", no digest";
        output.WriteLine(string.Create(inv, $"## slow receiver (answers after {options.DelaySeconds} s{limit}{digest}), {options.Minutes} min"));
        output.WriteLine("| time (s) | events raised | received | pending | RSS (MB) | heap (MB) |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        var every = Math.Max(1, 30 / options.SampleSeconds);
        for (var i = 0; i < samples.Count; i++)
        {
            if (i % every == 0 || i == samples.Count - 1)
            {
                var s = samples[i];
                output.WriteLine(string.Create(inv, $"| {s.At.TotalSeconds:F0} | {s.Events} | {s.Received} | {s.Pending} | {Mb(s.ResidentBytes)} | {Mb(s.HeapBytes)} |"));
            }
        }

        if (measured.Count < 2 || windowStart is null || window is null)
        {
            output.WriteLine("slow: the run was too short to measure after the warm-up");
            return 1;
        }

        var first = measured[0];
        var last = measured[^1];
        var minutes = (last.At - first.At).TotalMinutes;
        output.WriteLine(string.Create(inv,
            $"after {options.WarmupSeconds} s of warm-up, over {minutes:F1} min: events raised {(last.Events - first.Events) / minutes:F0}/min, delivered to the receiver {(last.Received - first.Received) / minutes:F0}/min in {requests.Count} requests"));
        output.WriteLine(string.Create(inv,
            $"outbox backlog (pending): {first.Pending} → {last.Pending}; dead: {last.Dead}; signature not valid: {requests.Count(r => !r.Signed)}, events received twice: {DeliveryStats.Duplicates(requests)}"));
        foreach (var (name, series) in new (string, Func<AppSample, long?>)[] { ("RSS", s => s.ResidentBytes), ("managed heap", s => s.HeapBytes) })
        {
            if (DeliveryStats.Range(measured.Select(series)) is { } r)
            {
                var slope = DeliveryStats.Slope([.. measured.Where(s => series(s) is not null).Select(s => (s.At.TotalMinutes, (double)series(s)!.Value / 1e6))]);
                output.WriteLine(string.Create(inv, $"{name}, MB: start {Mb(r.Start)}, end {Mb(r.End)}, peak {Mb(r.Peak)}; trend {slope:+0.0;-0.0} MB/min"));
            }
        }

        var queued = requests.Where(r => r.Answered >= windowStart && r.Answered < windowEnd).ToList();
        if (queued.Count > 0)
        {
            var ages = queued.SelectMany(r => r.Events.Select(e => (r.Arrived - e.OccurredAt).TotalSeconds)).Order().ToArray();
            output.WriteLine(string.Create(inv, $"event → request arrived, s: p50 {P(ages, 0.5):F0}, p99 {P(ages, 0.99):F0}, max {P(ages, 1):F0} (grows while the backlog does)"));
        }

        output.WriteLine(window.Describe());
        return 0;
    }

    private static async Task<WebAppProcess> StartAppAsync(
        NotifyOptions options, SeparateEmulators? emulators, string appDll, Uri receiver, string secret, int metricsPort, int? digestAfter, TextWriter output, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        var settings = new Dictionary<string, string>
        {
            ["AnimeProgress:Demo:Enabled"] = "true",
            ["AnimeProgress:Demo:Instances"] = options.Instances.ToString(inv),
            ["AnimeProgress:Demo:TimeScale"] = options.TimeScale.ToString(inv),
            ["AnimeProgress:Demo:SubmitInterval"] = TimeSpan.FromSeconds(1 / options.Rate).ToString("c", inv),
            ["AnimeProgress:Demo:FailureRate"] = options.FailureRate.ToString(inv),
            // The generator pauses at this many unfinished jobs; high enough that only the rate paces it.
            ["AnimeProgress:Demo:MaxActiveJobs"] = "100",
            ["AnimeProgress:Metrics:Port"] = metricsPort.ToString(inv),
            // The receiver is on loopback, which is refused unless allowed.
            ["AnimeProgress:Notifications:AllowedDestinations:0"] = "127.0.0.1",
            ["AnimeProgress:Notifications:Channels:0:Name"] = "hook",
            ["AnimeProgress:Notifications:Channels:0:Type"] = "Webhook",
            ["AnimeProgress:Notifications:Channels:0:Url"] = receiver.ToString(),
            ["AnimeProgress:Notifications:Channels:0:Secret"] = secret,
            ["AnimeProgress:Notifications:Rules:0:Name"] = "outcomes",
            ["AnimeProgress:Notifications:Rules:0:Channel"] = "hook",
            ["AnimeProgress:Notifications:Rules:0:Events:0"] = Events,
        };
        emulators?.Configure(settings);
        if (options.Retained is { } retained)
        {
            settings["AnimeProgress:Tracking:MaxFinishedRetained"] = retained.ToString(inv);
        }

        if (digestAfter is { } d)
        {
            settings["AnimeProgress:Notifications:Rules:0:DigestAfter"] = d.ToString(inv);
        }

        var started = Stopwatch.StartNew();
        var app = WebAppProcess.Start(appDll, settings);
        try
        {
            await app.WaitReadyAsync(TimeSpan.FromSeconds(180), cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        output.WriteLine(string.Create(inv, $"notify: app pid {app.Pid} ready at {app.Url} after {started.Elapsed.TotalSeconds:F1} s"));
        return app;
    }

    private static AppSampler Sampler(WebAppProcess app, int metricsPort) =>
        new(app.Pid, new Uri($"http://127.0.0.1:{metricsPort}/metrics"), Path.Combine(app.DataDirectory, "animeprogress.db"));

    private static double P(double[] sorted, double q) => DeliveryStats.Percentile(sorted, q);

    private static string Mb(long? bytes) => bytes is { } b ? (b / 1e6).ToString("F0", CultureInfo.InvariantCulture) : "?";

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>CPU of the app, of this process and of the whole machine over a window; "other" is what neither used.</summary>
    private sealed class LoadWindow
    {
        private readonly AppSampler _app;
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly double _app0;
        private readonly TimeSpan _self0;
        private readonly double? _machine0;
        private readonly string _loadBefore;
        private string _result = "";

        private LoadWindow(AppSampler app)
        {
            _app = app;
            _app0 = app.CpuSeconds();
            _self0 = Process.GetCurrentProcess().TotalProcessorTime;
            _machine0 = MachineCpu.BusySeconds();
            _loadBefore = LoadAverage();
        }

        public static LoadWindow Begin(AppSampler app) => new(app);

        public LoadWindow End()
        {
            var seconds = _watch.Elapsed.TotalSeconds;
            var app = (_app.CpuSeconds() - _app0) / seconds;
            var self = (Process.GetCurrentProcess().TotalProcessorTime - _self0).TotalSeconds / seconds;
            var machine = MachineCpu.BusySeconds() is { } m && _machine0 is { } m0 ? (m - m0) / seconds : (double?)null;
            var other = machine is { } all
                ? string.Create(CultureInfo.InvariantCulture, $", whole machine {all * 100:F0} of {Environment.ProcessorCount * 100}, other processes {Math.Max(0, all - app - self) * 100:F0}")
                : "";
            _result = string.Create(CultureInfo.InvariantCulture,
                $"CPU, % of one core: app {app * 100:F0} (its emulated GPUs included), bench {self * 100:F0}{other}; load average {_loadBefore} → {LoadAverage()}");
            return this;
        }

        public string Describe() => _result;
    }
}
