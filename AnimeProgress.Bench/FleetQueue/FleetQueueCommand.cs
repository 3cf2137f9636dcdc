using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Bench.ListenLatency;
using AnimeProgress.TestSupport.Postgres;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// <c>fleet</c> (issue 16, "Measure"): the seeded 500-job set on a fleet of four emulated ComfyUI machines, three ways at
/// the same time in one run, each on its own four emulators:
/// <list type="bullet">
/// <item><b>fleet-queue</b>: the app as its own process (SQLite), jobs through <c>POST /api/jobs</c> with their needs; its
/// dispatcher places them. Optionally, while it dispatches (<see cref="FleetFaults"/>): the app killed with SIGKILL and
/// restarted on the same database; an emulated machine killed with work pending and started again empty; or two nodes on
/// PostgreSQL whose leader is killed and restarted as a follower.</item>
/// <item><b>least-loaded</b>: what the app did before the fleet queue, simulated: each job goes at submission to the
/// instance that fits with the fewest prompts queued (ComfyUI's <c>queue_remaining</c>).</item>
/// <item><b>round-robin</b>: each job goes at submission to the next instance in turn that fits.</item>
/// </list>
/// Every prompt of every job is read back from the emulators' <c>/history</c> (the job's number rides in the sampler's seed).
/// </summary>
internal sealed class FleetQueueCommand : IBenchCommand
{
    public const string FleetQueue = "fleet-queue";
    public const string LeastLoaded = "least-loaded";
    public const string RoundRobin = "round-robin";

    public string Name => "fleet";

    public string Usage => "[--time-scale 0.01] [--jobs 500] [--seed 16] [--strategies fleet-queue,least-loaded,round-robin] [--kills 0] "
        + "[--kill-instance <gpu-1..gpu-4> [--instance-kills 1] [--instance-down 2] [--reclaim-after 5]] "
        + "[--failover 0 [--lease-check <seconds>] [--postgres <connection string>]] [--retry-failed true] [--timeout-minutes 20] [--app <AnimeProgress.Web.dll>]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        if (FleetBenchOptions.Parse(args, out var error) is not { } options)
        {
            output.WriteLine($"fleet: {error}");
            output.WriteLine($"usage: fleet {Usage}");
            return 2;
        }

        string appDll;
        try
        {
            appDll = WebAppProcess.Locate(options.App);
        }
        catch (FileNotFoundException ex)
        {
            output.WriteLine($"fleet: {ex.Message}");
            return 2;
        }

        var timeScale = options.TimeScale;
        var jobs = FleetJobSet.Draw(options.Seed, options.Jobs);
        var fleet = FleetJobSet.Fleet;
        var work = jobs.GroupBy(j => j.Kind).Select(g => string.Create(inv, $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}s ({g.Sum(j => j.Seconds) / 3600:F1} GPU-h)"));
        output.WriteLine(string.Create(inv, $"fleet: {Environment.ProcessorCount} cores; seed {options.Seed}: {string.Join(", ", work)}; bursts of {FleetJobSet.BurstSize} every {FleetJobSet.BurstIntervalSeconds} s; time scale {timeScale}; {options.Describe()}"));
        output.WriteLine("fleet: " + string.Join("; ", fleet.Select(f => $"{f.Name} {f.VramGb} GB{(f.Labels.Count > 0 ? " " + string.Join(",", f.Labels) : "")}{(f.Models.Count > 0 ? " " + string.Join(",", f.Models) : "")}")));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The hard stop comes a while after the wait for jobs gives up, so a run that loses jobs still prints its table.
        var waitUntil = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(options.TimeoutMinutes);
        timeout.CancelAfter(TimeSpan.FromMinutes(options.TimeoutMinutes + 3));
        var strategies = new List<Task<StrategyFigures>>();
        if (options.Strategies.Contains(FleetQueue))
        {
            strategies.Add(FleetQueueRunAsync(appDll, jobs, fleet, options, waitUntil, output, timeout.Token));
        }

        if (options.Strategies.Contains(LeastLoaded))
        {
            strategies.Add(AtSubmissionAsync(LeastLoaded, jobs, fleet, timeScale, timeout.Token));
        }

        if (options.Strategies.Contains(RoundRobin))
        {
            strategies.Add(AtSubmissionAsync(RoundRobin, jobs, fleet, timeScale, timeout.Token));
        }

        var runs = await Task.WhenAll(strategies);
        var reference = runs.FirstOrDefault(r => r.Strategy == RoundRobin);
        output.WriteLine();
        output.WriteLine($"| strategy | makespan (s) | vs round-robin | busy while work fits ({string.Join(" / ", fleet.Select(f => f.Name))}) | dispatch gap p50 / p99 / max (ms) | gaps counted | lost | run twice | failed prompts | on an instance it does not fit | ran once | failed with a reason | of those retried, ran once |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in runs)
        {
            var busy = string.Join(" / ", fleet.Select(f => string.Create(inv, $"{r.BusyWhileWork[f.Name] * 100:F1} %")));
            var versus = reference is null ? "-" : string.Create(inv, $"{r.MakespanSeconds / reference.MakespanSeconds:F3} ({(1 - (r.MakespanSeconds / reference.MakespanSeconds)) * 100:+0.0;-0.0} % shorter)");
            output.WriteLine(string.Create(inv,
                $"| {r.Strategy} | {r.MakespanSeconds:F1} ({r.MakespanSeconds / timeScale / 3600:F2} h emulated) | {versus} | {busy} | {FleetRunStats.Quantile(r.GapsMs, 0.5):F0} / {FleetRunStats.Quantile(r.GapsMs, 0.99):F0} / {FleetRunStats.Quantile(r.GapsMs, 1):F0} | {r.GapsMs.Count} | {r.Lost} | {r.RunTwice} | {r.Failed} | {r.Misplaced} | {r.Tally.RanOnce} | {r.Tally.FailedWithReason} | {r.Tally.RetriedRanOnce} |"));
        }

        return runs.All(r => r.Lost == 0 && r.RunTwice == 0) ? 0 : 1;
    }

    /// <summary>The baselines: the bench picks the instance when the job is submitted and queues it there directly.</summary>
    private static async Task<StrategyFigures> AtSubmissionAsync(string strategy, IReadOnlyList<FleetJob> jobs, IReadOnlyList<FleetInstance> fleet, double timeScale, CancellationToken cancellationToken)
    {
        await using var emulators = await EmulatorFleet.StartAsync(fleet, timeScale, cancellationToken);
        var accepted = new Dictionary<int, long>();
        var turn = 0;
        await SubmitInBurstsAsync(jobs, timeScale, async job =>
        {
            var fits = fleet.Where(job.Fits).ToList();
            string target;
            if (strategy == RoundRobin)
            {
                while (!job.Fits(fleet[turn % fleet.Count]))
                {
                    turn++;
                }

                target = fleet[turn++ % fleet.Count].Name;
            }
            else
            {
                var loads = new List<(string Name, int Load)>();
                foreach (var f in fits)
                {
                    loads.Add((f.Name, await emulators.QueueRemainingAsync(f.Name, cancellationToken)));
                }

                target = loads.OrderBy(l => l.Load).First().Name;
            }

            await emulators.SendAsync(target, job, cancellationToken);
            accepted[job.Index] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }, parallel: 1, cancellationToken);

        var runs = await WaitAllRanAsync(emulators, jobs, cancellationToken);
        return FleetRunStats.Compute(strategy, jobs, fleet, accepted, runs);
    }

    private static async Task<StrategyFigures> FleetQueueRunAsync(string appDll, IReadOnlyList<FleetJob> jobs, IReadOnlyList<FleetInstance> fleet, FleetBenchOptions options, DateTimeOffset waitUntil, TextWriter output, CancellationToken cancellationToken)
    {
        await using var emulators = await EmulatorFleet.StartAsync(fleet, options.TimeScale, cancellationToken);
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < fleet.Count; i++)
        {
            settings[$"AnimeProgress:ComfyUi:Instances:{i}:Name"] = fleet[i].Name;
            settings[$"AnimeProgress:ComfyUi:Instances:{i}:BaseUrl"] = emulators.Url(fleet[i].Name).ToString();
        }

        if (options.ReclaimAfterSeconds is { } reclaim)
        {
            settings["AnimeProgress:Queue:ReclaimPendingAfter"] = TimeSpan.FromSeconds(reclaim).ToString("c", CultureInfo.InvariantCulture);
        }

        await using var postgres = options.Failovers > 0 ? await ThrowawayPostgres.CreateAsync(options.Postgres, cancellationToken) : null;
        await using var app = postgres is null
            ? await FleetAppNodes.StartSqliteAsync(appDll, settings, cancellationToken)
            : await FleetAppNodes.StartClusterAsync(appDll, settings, await postgres.CreateDatabaseAsync("ap_fleet_bench", cancellationToken), options.LeaseCheckSeconds is { } l ? TimeSpan.FromSeconds(l) : null, cancellationToken);

        // First start, loopback: the app is Admin for this machine, so no key is needed.
        foreach (var f in fleet.Where(f => f.Labels.Count > 0))
        {
            using var response = await app.Http.PatchAsJsonAsync(new Uri(app.NextUrl(), $"api/instances/{f.Name}"), new { labels = f.Labels }, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        // Labels are re-read every few seconds; wait for them so no video job is refused as one nobody can take.
        await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
        var accepted = new Dictionary<int, long>();
        await SubmitInBurstsAsync(jobs, options.TimeScale, async job =>
        {
            var body = new JsonObject
            {
                ["title"] = $"fleet-{job.Index}",
                ["kind"] = job.Kind == FleetJobKind.Video ? "video" : "image",
                ["workflow"] = FleetWorkflow.Graph(job),
                ["needs"] = new JsonObject
                {
                    ["labels"] = new JsonArray([.. job.Labels.Select(l => (JsonNode?)l)]),
                    ["models"] = new JsonArray([.. job.Models.Select(m => (JsonNode?)m)]),
                },
            };
            if (job.VramGb > 0)
            {
                body["needs"]!["vramGb"] = job.VramGb;
            }

            // Either node takes jobs: with two nodes they alternate.
            using var response = await app.Http.PostAsJsonAsync(new Uri(app.NextUrl(), "api/jobs"), body, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /api/jobs answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            lock (accepted)
            {
                accepted[job.Index] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }
        }, parallel: 4, cancellationToken);

        // Faults while the dispatcher works through the queue: spread over the first half of the expected makespan.
        var videoSeconds = jobs.Where(j => j.Kind == FleetJobKind.Video).Sum(j => j.Seconds) / fleet.Count(f => f.Labels.Contains("video")) * options.TimeScale;
        var faults = new FleetFaults(app, emulators, jobs, fleet, output);
        await faults.KillAppAsync(options.Kills, TimeSpan.FromSeconds(videoSeconds / 2 / Math.Max(1, options.Kills)), cancellationToken);
        if (options.KillInstance is { } victim)
        {
            await faults.KillInstanceAsync(victim, options.InstanceKills, TimeSpan.FromSeconds(options.InstanceDownSeconds), TimeSpan.FromSeconds(videoSeconds / 2 / options.InstanceKills), cancellationToken);
        }

        await faults.FailoverAsync(options.Failovers, TimeSpan.FromSeconds(videoSeconds / 2 / Math.Max(1, options.Failovers)), cancellationToken);

        var (runs, reportedFailed, retried) = await faults.WaitEndedAsync(options.RetryFailed, waitUntil, cancellationToken);
        faults.ReportKilledMachines(reportedFailed, runs);
        return FleetRunStats.Compute(FleetQueue, jobs, fleet, accepted, runs, reportedFailed, retried);
    }

    /// <summary>Bursts of 50 every 30 s (scaled), each burst's jobs sent <paramref name="parallel"/> at a time in order.</summary>
    private static async Task SubmitInBurstsAsync(IReadOnlyList<FleetJob> jobs, double timeScale, Func<FleetJob, Task> submit, int parallel, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var burst in jobs.GroupBy(j => j.Burst).OrderBy(g => g.Key))
        {
            var due = TimeSpan.FromSeconds(burst.Key * FleetJobSet.BurstIntervalSeconds * timeScale);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            await Parallel.ForEachAsync(burst, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (job, _) => await submit(job));
        }
    }

    /// <summary>Polls the emulators' histories until every job has a prompt that succeeded, then a little longer for stray duplicates.</summary>
    private static async Task<List<PromptRun>> WaitAllRanAsync(EmulatorFleet emulators, IReadOnlyList<FleetJob> jobs, CancellationToken cancellationToken)
    {
        while (true)
        {
            var runs = await emulators.RunsAsync(cancellationToken);
            if (runs.Where(r => r.Succeeded).Select(r => r.Job).Distinct().Count() >= jobs.Count)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
                return await emulators.RunsAsync(cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }
}
