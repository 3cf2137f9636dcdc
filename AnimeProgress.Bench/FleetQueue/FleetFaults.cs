using System.Diagnostics;
using System.Globalization;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// What the fleet-queue run suffers while it dispatches (issue 16, "0 jobs lost or run twice across …"), and the wait for
/// every job to end: the app killed (SIGKILL) and restarted; an emulated machine killed with work pending and started
/// again empty; the leader of two PostgreSQL nodes killed and restarted as a follower.
/// </summary>
internal sealed class FleetFaults(FleetAppNodes app, EmulatorFleet emulators, IReadOnlyList<FleetJob> jobs, IReadOnlyList<FleetInstance> fleet, TextWriter output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Random _random = new(FleetJobSet.Seed);
    private readonly List<(string Instance, int Job)> _diedRunning = [];
    private readonly List<(string Instance, int Job)> _pendingAtKill = [];

    /// <summary>SIGKILLs of the single SQLite node, each restarted on the same file, about <paramref name="every"/> apart.</summary>
    public async Task KillAppAsync(int kills, TimeSpan every, CancellationToken cancellationToken)
    {
        for (var k = 0; k < kills; k++)
        {
            await Task.Delay(every * (0.5 + _random.NextDouble()), cancellationToken);
            output.WriteLine(string.Create(Inv, $"fleet-queue: killing the app (SIGKILL) {k + 1}/{kills} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}; restarting on the same database"));
            await app.KillAndRestartAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Kills <paramref name="instance"/> <paramref name="kills"/> times, each when it runs a prompt of ours and has one
    /// pending, and starts it again empty after <paramref name="down"/>.
    /// </summary>
    public async Task KillInstanceAsync(string instance, int kills, TimeSpan down, TimeSpan every, CancellationToken cancellationToken)
    {
        for (var k = 0; k < kills; k++)
        {
            await Task.Delay(every * (0.5 + _random.NextDouble()), cancellationToken);
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                var (running, pending) = await emulators.QueueAsync(instance, cancellationToken);
                if (running.Any(p => p.Job is not null) && pending.Any(p => p.Job is not null))
                {
                    break;
                }

                await Task.Delay(20, cancellationToken);
            }

            var (died, lost) = await emulators.KillAsync(instance, cancellationToken);
            _diedRunning.AddRange(died.Where(p => p.Job is not null).Select(p => (instance, p.Job!.Value)));
            _pendingAtKill.AddRange(lost.Where(p => p.Job is not null).Select(p => (instance, p.Job!.Value)));
            output.WriteLine(string.Create(Inv,
                $"fleet-queue: killed {instance} {k + 1}/{kills} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}: running {Jobs(died)}, pending {Jobs(lost)}; back in {down.TotalSeconds:0.#} s"));
            await Task.Delay(down, cancellationToken);
            await emulators.RestartAsync(instance, cancellationToken);
            output.WriteLine(string.Create(Inv, $"fleet-queue: {instance} started again, empty, at {DateTimeOffset.UtcNow:HH:mm:ss.fff}"));
        }
    }

    /// <summary>
    /// Kills the leader <paramref name="failovers"/> times, each just after a prompt of ours started somewhere (so that
    /// instance is the dispatcher's next to fill), and says how long until another node led and until the next prompt
    /// reached an instance; then starts the killed node again as a follower.
    /// </summary>
    public async Task FailoverAsync(int failovers, TimeSpan every, CancellationToken cancellationToken)
    {
        var stops = new List<double>();
        for (var k = 0; k < failovers; k++)
        {
            await Task.Delay(every * (0.5 + _random.NextDouble()), cancellationToken);
            // With nothing waiting in the fleet queue no prompt follows a failover: then only the takeover is timed.
            var waiting = await app.WaitingAsync(cancellationToken);
            if (waiting > 0)
            {
                await MidDispatchAsync(cancellationToken);
            }

            var leader = await app.LeaderAsync(cancellationToken) ?? throw new InvalidOperationException("no node leads");
            var since = Stopwatch.StartNew();
            await app.KillAsync(leader);
            // Taken after the kill: any prompt not in it was sent by the new leader. An instance with nothing of ours pending
            // was due a send at the kill; with none due, the time to the next prompt includes waiting for one to start.
            var before = await emulators.QueuedPromptIdsAsync(cancellationToken);
            var due = new List<string>();
            foreach (var instance in fleet)
            {
                if (!(await emulators.QueueAsync(instance.Name, cancellationToken)).Pending.Any(p => p.Job is not null))
                {
                    due.Add(instance.Name);
                }
            }

            var takeover = app.NewLeaderAsync(leader, since, TimeSpan.FromSeconds(60), cancellationToken);
            var nextPrompt = waiting > 0 ? NextPromptAsync(before, since, TimeSpan.FromSeconds(60), cancellationToken) : Task.FromResult<TimeSpan?>(null);
            var (newLeader, led) = await takeover;
            var sent = await nextPrompt;
            if (sent is { } s)
            {
                stops.Add(s.TotalMilliseconds);
            }

            var next = waiting == 0 ? "nothing waited in the fleet queue, so no prompt to time" : sent is { } t ? $"next prompt sent after {t.TotalMilliseconds:F0} ms" : "no prompt sent within 60 s";
            next += due.Count > 0 ? $" (a send was due at the kill on {string.Join(", ", due)})" : " (no send was due at the kill: every instance had one of ours pending)";
            output.WriteLine(string.Create(Inv,
                $"fleet-queue: failover {k + 1}/{failovers}: killed leader {leader} (SIGKILL) at {DateTimeOffset.UtcNow - since.Elapsed:HH:mm:ss.fff} with {waiting} jobs waiting; {newLeader} leading after {led.TotalMilliseconds:F0} ms; {next}; restarting {leader} as a follower"));
            await app.RestartAsync(leader, cancellationToken);
        }

        if (stops.Count > 0)
        {
            output.WriteLine(string.Create(Inv, $"fleet-queue: dispatch stopped at a failover (leader killed → next prompt sent): {string.Join(", ", stops.Select(s => s.ToString("F0", Inv)))} ms; max {stops.Max():F0} ms"));
        }
    }

    /// <summary>
    /// Polls the emulators' histories (and the app, for jobs it shows failed) until every job has a prompt that succeeded
    /// or has failed for good, retrying each failed job once when <paramref name="retry"/>; gives up at <paramref name="until"/>.
    /// </summary>
    public async Task<(List<PromptRun> Runs, Dictionary<int, string?> ReportedFailed, HashSet<int> Retried)> WaitEndedAsync(bool retry, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var reportedFailed = new Dictionary<int, string?>();
        var retried = new HashSet<int>();
        var retryIds = new HashSet<long>();
        var failedForGood = new HashSet<int>();
        while (true)
        {
            var runs = await emulators.RunsAsync(cancellationToken);
            var succeeded = runs.Where(r => r.Succeeded).Select(r => r.Job).ToHashSet();
            var missing = jobs.Where(j => !succeeded.Contains(j.Index)).ToList();
            if (missing.Count > 0)
            {
                foreach (var (id, title, error) in await app.EndedBadlyAsync(cancellationToken))
                {
                    if (!title.StartsWith("fleet-", StringComparison.Ordinal) || !int.TryParse(title.AsSpan(6), NumberStyles.None, Inv, out var job) || succeeded.Contains(job))
                    {
                        continue;
                    }

                    if (retryIds.Contains(id) || (!retry && !reportedFailed.ContainsKey(job)))
                    {
                        failedForGood.Add(job);
                    }

                    if (reportedFailed.ContainsKey(job))
                    {
                        continue;
                    }

                    reportedFailed[job] = error;
                    output.WriteLine($"fleet-queue: job fleet-{job} (#{id}) shown as failed: {error ?? "(no reason given)"}");
                    if (retry)
                    {
                        retryIds.Add(await app.RetryAsync(id, cancellationToken));
                        retried.Add(job);
                    }
                }
            }

            var open = missing.Where(j => !failedForGood.Contains(j.Index)).ToList();
            if (open.Count == 0 || DateTimeOffset.UtcNow >= until)
            {
                if (open.Count > 0)
                {
                    output.WriteLine($"fleet-queue: gave up waiting; {open.Count} jobs never ran to the end nor failed: {string.Join(", ", open.Take(20).Select(j => $"fleet-{j.Index}"))}");
                }

                // A little longer for stray duplicates.
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
                return (await emulators.RunsAsync(cancellationToken), reportedFailed, retried);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    /// <summary>
    /// For the jobs whose running prompt died with a killed machine: whether the app said so; for those pending there:
    /// where their prompts ran (elsewhere when the machine stayed away past the reclaim time).
    /// </summary>
    public void ReportKilledMachines(IReadOnlyDictionary<int, string?> reportedFailed, IReadOnlyList<PromptRun> runs)
    {
        if (_pendingAtKill.Count > 0)
        {
            var where = _pendingAtKill.Select(p => $"fleet-{p.Job} (pending on {p.Instance}) ran on {string.Join(" + ", runs.Where(r => r.Job == p.Job).Select(r => r.Instance).DefaultIfEmpty("nothing"))}");
            output.WriteLine($"fleet-queue: {string.Join("; ", where)}");
        }

        if (_diedRunning.Count == 0)
        {
            return;
        }

        var shown = _diedRunning.Count(d => reportedFailed.TryGetValue(d.Job, out var error) && !string.IsNullOrWhiteSpace(error));
        var reason = _diedRunning.Select(d => reportedFailed.GetValueOrDefault(d.Job)).FirstOrDefault(e => e is not null);
        output.WriteLine($"fleet-queue: {_diedRunning.Count} jobs were running on a machine when it was killed; the app showed {shown} of them as failed with a reason{(reason is null ? "" : $" (\"{reason}\")")}");
    }

    /// <summary>Waits (at most 30 s) until a prompt of ours has just started on some instance with nothing of ours pending behind it.</summary>
    private async Task MidDispatchAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var runningBefore = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var instance in fleet)
            {
                var (running, pending) = await emulators.QueueAsync(instance.Name, cancellationToken);
                var now = running.FirstOrDefault(p => p.Job is not null)?.PromptId;
                if (runningBefore.TryGetValue(instance.Name, out var was) && now is not null && now != was && !pending.Any(p => p.Job is not null))
                {
                    return;
                }

                runningBefore[instance.Name] = now;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private async Task<TimeSpan?> NextPromptAsync(HashSet<string> before, Stopwatch since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (since.Elapsed < timeout)
        {
            if ((await emulators.QueuedPromptIdsAsync(cancellationToken)).Any(id => !before.Contains(id)))
            {
                return since.Elapsed;
            }

            await Task.Delay(25, cancellationToken);
        }

        return null;
    }

    private static string Jobs(List<QueuedPrompt> prompts) =>
        prompts.Count == 0 ? "nothing" : string.Join(", ", prompts.Select(p => p.Job is { } j ? $"fleet-{j}" : p.PromptId));
}
