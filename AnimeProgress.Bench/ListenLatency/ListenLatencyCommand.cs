using System.Diagnostics;
using System.Globalization;
using AnimeProgress.Bench.WebSocketLoad;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.TestSupport.Postgres;
using Npgsql;

namespace AnimeProgress.Bench.ListenLatency;

/// <summary>
/// <c>listen [--seconds 30] [--rate 20] [--burst N] [--connection CS]</c>: how long a row that another program
/// inserts or updates in <c>production_jobs</c> takes to reach an open /ws client. It starts a throwaway PostgreSQL
/// (or uses <c>--connection</c>), the web app as its own process on it, and an idle emulated ComfyUI so that
/// <c>/readyz</c> can answer 200; then writes rows with plain SQL at a steady rate (or in bursts of the same average
/// rate) and times commit → <c>progress_update</c>. Only public surfaces are used: SQL, <c>/readyz</c>, <c>/ws</c>,
/// and the notification channel (for the split between PostgreSQL's part and the app's).
/// </summary>
internal sealed class ListenLatencyCommand : IBenchCommand
{
    /// <summary>The target: a change shows on open dashboards within this.</summary>
    public const double TargetMs = 250;

    /// <summary>Updates per job between its insert and its completion (progress 5, 10, … 95).</summary>
    private const int UpdatesPerJob = 19;

    private const double ProgressStep = 100.0 / (UpdatesPerJob + 1);

    public string Name => "listen";

    public string Usage => "[--seconds 30] [--rate 20] [--burst N] [--rows 10] [--warmup 3] [--connection <Npgsql connection string>] [--schema anime_api] [--app <AnimeProgress.Web.dll>] [--no-updated-at]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (!Options.TryParse(args, out var options, out var problem))
        {
            output.WriteLine(problem);
            output.WriteLine($"usage: listen {Usage}");
            return 2;
        }

        var inv = CultureInfo.InvariantCulture;
        string appDll;
        try
        {
            appDll = WebAppProcess.Locate(options.App);
        }
        catch (FileNotFoundException ex)
        {
            output.WriteLine($"listen: {ex.Message}");
            return 2;
        }

        await using var cluster = options.Connection is null ? await ThrowawayPostgres.StartNewAsync(cancellationToken) : null;
        var database = options.Connection ?? await cluster!.CreateDatabaseAsync("listen_bench", cancellationToken);
        output.WriteLine(cluster is null
            ? $"listen: database from --connection ({new NpgsqlConnectionStringBuilder(database) { Password = null }.ConnectionString})"
            : string.Create(inv, $"listen: throwaway PostgreSQL on 127.0.0.1:{cluster.Port}"));

        await using var comfy = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0 }, cancellationToken);
        var startWatch = Stopwatch.StartNew();
        await using var app = WebAppProcess.Start(appDll, new Dictionary<string, string>
        {
            ["AnimeProgress:Database:Provider"] = "Postgres",
            ["ConnectionStrings:AnimeProduction"] = database,
            ["AnimeProgress:Database:Schema"] = options.Schema,
            ["AnimeProgress:Demo:Enabled"] = "false",
            // An idle ComfyUI, so that /readyz (database and every instance) can answer 200.
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "bench-gpu",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = comfy.BaseUrl.ToString(),
        });
        await app.WaitReadyAsync(TimeSpan.FromSeconds(120), cancellationToken);
        output.WriteLine(string.Create(inv, $"listen: app {appDll} (pid {app.Pid}) ready at {app.Url} after {startWatch.Elapsed.TotalSeconds:F1} s"));

        OtherProgram writer;
        try
        {
            writer = await OtherProgram.OpenAsync(database, options.Schema, options.TouchUpdatedAt, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            output.WriteLine($"listen: {options.Schema}.production_jobs does not exist although /readyz answered 200 ({ex.MessageText}); does the app need its migrations applied first?");
            return 1;
        }

        await using (writer)
        {
            var firstId = await writer.MaxIdAsync(cancellationToken) + 1_000_000;
            var nextId = firstId;
            bool Ours(long id) => id >= firstId;
            await using var tap = await NotifyTap.StartAsync(database, Ours, cancellationToken);
            await using var feed = new UpdateFeed(Ours);
            await feed.ConnectAsync(app.Url, cancellationToken);

            try
            {
                var probeTime = await ProbeAsync(writer, feed, nextId++, cancellationToken);
                output.WriteLine(string.Create(inv, $"listen: the LISTEN path is up (a probe row reached /ws after {probeTime.TotalMilliseconds:F0} ms)"));

                var run = await WriteAsync(options, writer, () => nextId++, app, cancellationToken);
                var measured = run.Writes.Where(w => w.Measured).ToArray();
                var drain = Stopwatch.StartNew();
                while (drain.Elapsed < TimeSpan.FromSeconds(options.DrainSeconds) && !LatencyAnalysis.AllShown(measured, feed.Snapshot()))
                {
                    await Task.Delay(50, cancellationToken);
                }

                var analysis = LatencyAnalysis.Of(run.Writes, feed.Snapshot(), tap.ArrivedAt);
                Report(output, options, run, analysis);
                foreach (var error in (string?[])[feed.Error, tap.Error])
                {
                    if (error is not null)
                    {
                        output.WriteLine($"note: {error}");
                    }
                }

                return analysis.Lost == 0 ? 0 : 1;
            }
            finally
            {
                if (cluster is null)
                {
                    // Someone's database: leave only what was there.
                    await writer.DeleteAsync(firstId, nextId, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Inserts a row and nudges it until /ws shows it: the app is listening, and the path is warm.</summary>
    private static async Task<TimeSpan> ProbeAsync(OtherProgram writer, UpdateFeed feed, long id, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await writer.InsertAsync(id, cancellationToken);
        var progress = 0.0;
        while (!feed.Saw(id))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("No row written to production_jobs reached /ws within 60 s: the app is not listening for changes." + (feed.Error is { } e ? " /ws: " + e : ""));
            }

            await Task.Delay(250, cancellationToken);
            await writer.UpdateAsync(id, progress = Math.Min(100, progress + 1), cancellationToken);
        }

        return watch.Elapsed;
    }

    private sealed record Run(List<WriteRecord> Writes, TimeSpan Window, double MaxLagMs, Load Load);

    private readonly record struct Load(double AppCpu, double BenchCpu, double? MachineCpu, string LoadAverageBefore, string LoadAverageAfter);

    /// <summary>
    /// The schedule: write i is due at start + i / rate (steady), or bursts of N back-to-back writes every N / rate
    /// seconds (same average rate). Rows take turns: a job is inserted, moves 5 % per write to 95 %, then completes,
    /// and a new job takes its place. Writes are sequential on one connection; a late write goes at once.
    /// </summary>
    private static async Task<Run> WriteAsync(Options options, OtherProgram writer, Func<long> newId, WebAppProcess app, CancellationToken cancellationToken)
    {
        var slots = new (long Id, int Step)[options.Rows];
        for (var s = 0; s < slots.Length; s++)
        {
            slots[s] = (newId(), 0);
        }

        var total = (int)Math.Round((options.WarmupSeconds + options.Seconds) * options.Rate);
        var warmupWrites = (int)Math.Round(options.WarmupSeconds * options.Rate);
        var writes = new List<WriteRecord>(total);
        var appProcess = new ServerProcess(app.Pid);
        var self = Process.GetCurrentProcess();
        double app0 = 0, machine0 = 0;
        TimeSpan self0 = default;
        var loadBefore = "";
        long windowStart = 0;
        var maxLag = 0.0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            if (i == warmupWrites)
            {
                windowStart = Stopwatch.GetTimestamp();
                app0 = appProcess.CpuSeconds();
                self.Refresh();
                self0 = self.TotalProcessorTime;
                machine0 = MachineCpu.BusySeconds() ?? double.NaN;
                loadBefore = LoadAverage();
            }

            var dueSeconds = options.Burst is { } n ? Math.Floor((double)i / n) * n / options.Rate : i / options.Rate;
            var due = start + (long)(dueSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            maxLag = Math.Max(maxLag, Stopwatch.GetElapsedTime(due).TotalMilliseconds);
            var index = i % slots.Length;
            var slot = slots[index];
            var (kind, progress) = slot.Step switch
            {
                0 => (WriteKind.Insert, 0.0),
                > UpdatesPerJob => (WriteKind.Complete, 100.0),
                _ => (WriteKind.Update, Math.Round(slot.Step * ProgressStep, 1)),
            };
            var sent = Stopwatch.GetTimestamp();
            switch (kind)
            {
                case WriteKind.Insert:
                    await writer.InsertAsync(slot.Id, cancellationToken);
                    break;
                case WriteKind.Update:
                    await writer.UpdateAsync(slot.Id, progress, cancellationToken);
                    break;
                default:
                    await writer.CompleteAsync(slot.Id, cancellationToken);
                    break;
            }

            writes.Add(new WriteRecord(slot.Id, kind, progress, sent, Stopwatch.GetTimestamp(), Measured: i >= warmupWrites));
            slots[index] = kind == WriteKind.Complete ? (newId(), 0) : (slot.Id, slot.Step + 1);
        }

        var window = Stopwatch.GetElapsedTime(windowStart);
        self.Refresh();
        var seconds = window.TotalSeconds;
        var load = new Load(
            (appProcess.CpuSeconds() - app0) / seconds,
            (self.TotalProcessorTime - self0).TotalSeconds / seconds,
            MachineCpu.BusySeconds() is { } m && !double.IsNaN(machine0) ? (m - machine0) / seconds : null,
            loadBefore,
            LoadAverage());
        return new Run(writes, window, maxLag, load);
    }

    private static string LoadAverage()
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

    private static void Report(TextWriter output, Options options, Run run, LatencyAnalysis a)
    {
        var inv = CultureInfo.InvariantCulture;
        string Row(double[] sorted) => sorted.Length == 0
            ? "none"
            : string.Create(inv, $"p50 {P(sorted, 0.5):F1}, p90 {P(sorted, 0.9):F1}, p99 {P(sorted, 0.99):F1}, max {P(sorted, 1):F1} ({sorted.Length})");
        static double P(double[] sorted, double q) => LatencyAnalysis.Percentile(sorted, q);

        var mode = options.Burst is { } n
            ? string.Create(inv, $"bursts of {n} back-to-back writes every {n / options.Rate:F1} s ({options.Rate:F0} writes/s on average)")
            : string.Create(inv, $"steady {options.Rate:F0} writes/s");
        var touch = options.TouchUpdatedAt ? "" : "; updates leave updated_at unchanged";
        output.WriteLine(string.Create(inv, $"mode: {mode}, {options.Rows} rows taking turns, {options.Seconds} s measured after {options.WarmupSeconds} s of warm-up{touch}"));
        output.WriteLine(string.Create(inv,
            $"writes: {a.Writes} ({a.Inserts} inserts, {a.Updates} updates, {a.Completions} completions) in {run.Window.TotalSeconds:F1} s, {a.Writes / run.Window.TotalSeconds:F1}/s; latest start behind schedule {run.MaxLagMs:F1} ms"));
        output.WriteLine(string.Create(inv,
            $"delivered: {a.Delivered}/{a.Writes} ({a.Exact} in a frame of their own state, {a.Superseded} first shown by a newer state of the row); lost: {a.Lost}"));
        output.WriteLine($"latency commit → /ws progress_update, ms: {Row(a.EndToEnd)}");
        var over = a.EndToEnd.Count(ms => ms > TargetMs);
        output.WriteLine(string.Create(inv,
            $"over {TargetMs:F0} ms: {over} of {a.EndToEnd.Length} ({(a.EndToEnd.Length == 0 ? 0 : 100.0 * over / a.EndToEnd.Length):F2}%); lost updates count as over: {over + a.Lost}"));
        output.WriteLine($"  commit → NOTIFY at a second LISTEN connection (PostgreSQL), ms: {Row(a.ToNotify)}");
        output.WriteLine($"  NOTIFY → /ws frame (the app: read the row, publish, send), ms: {Row(a.NotifyToFrame)}");
        output.WriteLine($"  statement sent → commit acknowledged, ms: {Row(a.RoundTrip)}");
        var machine = run.Load.MachineCpu is { } m
            ? string.Create(inv, $", whole machine {m * 100:F0} of {Environment.ProcessorCount * 100} (other processes, PostgreSQL included: {Math.Max(0, m - run.Load.AppCpu - run.Load.BenchCpu) * 100:F0})")
            : "";
        output.WriteLine(string.Create(inv,
            $"CPU, % of one core: app {run.Load.AppCpu * 100:F0}, bench {run.Load.BenchCpu * 100:F0}{machine}; load average {run.Load.LoadAverageBefore} → {run.Load.LoadAverageAfter}"));
    }

    private sealed class Options
    {
        public int Seconds { get; private set; } = 30;
        public double Rate { get; private set; } = 20;
        public int? Burst { get; private set; }
        public int Rows { get; private set; }
        public int WarmupSeconds { get; private set; } = 3;
        public int DrainSeconds { get; private set; } = 10;
        public string? Connection { get; private set; }
        public string Schema { get; private set; } = "anime_api";
        public string? App { get; private set; }

        /// <summary>False with --no-updated-at: the other program's updates leave updated_at alone.</summary>
        public bool TouchUpdatedAt { get; private set; } = true;

        public static bool TryParse(string[] args, out Options options, out string? problem)
        {
            options = new Options();
            problem = null;
            int? rows = null;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                var inv = CultureInfo.InvariantCulture;
                switch (args[i])
                {
                    case "--seconds" when int.TryParse(value, inv, out var s) && s > 0:
                        options.Seconds = s;
                        break;
                    case "--rate" when double.TryParse(value, inv, out var r) && r is > 0 and <= 10_000:
                        options.Rate = r;
                        break;
                    case "--burst" when int.TryParse(value, inv, out var b) && b > 1:
                        options.Burst = b;
                        break;
                    case "--rows" when int.TryParse(value, inv, out var n) && n > 0:
                        rows = n;
                        break;
                    case "--warmup" when int.TryParse(value, inv, out var w) && w >= 0:
                        options.WarmupSeconds = w;
                        break;
                    case "--drain" when int.TryParse(value, inv, out var d) && d > 0:
                        options.DrainSeconds = d;
                        break;
                    case "--connection" when !string.IsNullOrWhiteSpace(value):
                        options.Connection = value;
                        break;
                    case "--schema" when !string.IsNullOrWhiteSpace(value):
                        options.Schema = value;
                        break;
                    case "--app" when !string.IsNullOrWhiteSpace(value):
                        options.App = value;
                        break;
                    case "--no-updated-at":
                        options.TouchUpdatedAt = false;
                        continue;
                    default:
                        problem = $"listen: cannot read '{args[i]}'" + (value is null ? "" : $" {value}");
                        return false;
                }

                i++;
            }

            // Bursts touch as many rows as they write, so each write is a change of its own row.
            options.Rows = rows ?? Math.Max(10, options.Burst ?? 0);
            return true;
        }
    }
}
