using System.Globalization;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>The <c>fleet</c> command's options: the job set, which strategies run, and which faults the fleet-queue run suffers.</summary>
internal sealed record FleetBenchOptions
{
    public double TimeScale { get; init; } = 0.01;

    public int Jobs { get; init; } = FleetJobSet.Jobs;

    public int Seed { get; init; } = FleetJobSet.Seed;

    public IReadOnlySet<string> Strategies { get; init; } = new HashSet<string>([FleetQueueCommand.FleetQueue, FleetQueueCommand.LeastLoaded, FleetQueueCommand.RoundRobin], StringComparer.Ordinal);

    /// <summary>SIGKILLs of the single SQLite node, each restarted on the same file.</summary>
    public int Kills { get; init; }

    /// <summary>The emulated machine killed (queue and running prompt lost) with work pending, or null.</summary>
    public string? KillInstance { get; init; }

    public int InstanceKills { get; init; } = 1;

    /// <summary>How long (real seconds) the killed machine stays away before it starts again, empty, on its port.</summary>
    public double InstanceDownSeconds { get; init; } = 2;

    /// <summary>The app's <c>AnimeProgress:Queue:ReclaimPendingAfter</c> (real seconds) when a machine is killed; null keeps the app's default.</summary>
    public double? ReclaimAfterSeconds { get; init; }

    /// <summary>Leader SIGKILLs with two nodes on PostgreSQL (0: one node on SQLite).</summary>
    public int Failovers { get; init; }

    /// <summary>The app's <c>AnimeProgress:Cluster:LeaseCheckInterval</c> for the two nodes; null keeps the app's default.</summary>
    public double? LeaseCheckSeconds { get; init; }

    /// <summary>A PostgreSQL server to create the database on; null starts a throwaway one from the local binaries.</summary>
    public string? Postgres { get; init; }

    /// <summary>Retry (once, through the app) each job the app shows as failed, and count whether the retry ran once.</summary>
    public bool RetryFailed { get; init; } = true;

    public int TimeoutMinutes { get; init; } = 20;

    public string? App { get; init; }

    public static FleetBenchOptions? Parse(IReadOnlyList<string> args, out string error)
    {
        var inv = CultureInfo.InvariantCulture;
        var options = new FleetBenchOptions();
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            FleetBenchOptions? next = args[i] switch
            {
                "--time-scale" => double.TryParse(value, NumberStyles.Float, inv, out var v) && v > 0 ? options with { TimeScale = v } : null,
                "--jobs" => int.TryParse(value, inv, out var v) && v > 0 ? options with { Jobs = v } : null,
                "--seed" => int.TryParse(value, inv, out var v) ? options with { Seed = v } : null,
                "--strategies" => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names
                    && names.All(n => n is FleetQueueCommand.FleetQueue or FleetQueueCommand.LeastLoaded or FleetQueueCommand.RoundRobin)
                    ? options with { Strategies = new HashSet<string>(names, StringComparer.Ordinal) } : null,
                "--kills" => int.TryParse(value, inv, out var v) && v >= 0 ? options with { Kills = v } : null,
                "--kill-instance" => FleetJobSet.Fleet.Any(f => f.Name == value) ? options with { KillInstance = value } : null,
                "--instance-kills" => int.TryParse(value, inv, out var v) && v > 0 ? options with { InstanceKills = v } : null,
                "--instance-down" => double.TryParse(value, NumberStyles.Float, inv, out var v) && v >= 0 ? options with { InstanceDownSeconds = v } : null,
                "--reclaim-after" => double.TryParse(value, NumberStyles.Float, inv, out var v) && v >= 0.1 ? options with { ReclaimAfterSeconds = v } : null,
                "--failover" => int.TryParse(value, inv, out var v) && v >= 0 ? options with { Failovers = v } : null,
                "--lease-check" => double.TryParse(value, NumberStyles.Float, inv, out var v) && v > 0 && v <= 5 ? options with { LeaseCheckSeconds = v } : null,
                "--postgres" => options with { Postgres = value },
                "--retry-failed" => bool.TryParse(value, out var v) ? options with { RetryFailed = v } : null,
                "--timeout-minutes" => int.TryParse(value, inv, out var v) && v > 0 ? options with { TimeoutMinutes = v } : null,
                "--app" => options with { App = value },
                _ => null,
            };
            if (next is null)
            {
                error = $"bad option {args[i]} {value}";
                return null;
            }

            options = next;
        }

        if (args.Count % 2 != 0)
        {
            error = $"option {args[^1]} has no value";
            return null;
        }

        if ((options.Kills > 0 || options.KillInstance is not null || options.Failovers > 0) && !options.Strategies.Contains(FleetQueueCommand.FleetQueue))
        {
            error = "--kills, --kill-instance and --failover act on the fleet-queue strategy; include it in --strategies";
            return null;
        }

        if (options.Kills > 0 && options.Failovers > 0)
        {
            error = "--kills restarts the single SQLite node; --failover kills the leader of two PostgreSQL nodes: use one or the other";
            return null;
        }

        error = "";
        // A machine killed for the bench's sake is reclaimed after a few seconds unless told otherwise (the app's 3 min would outlast a short run).
        return options.KillInstance is not null && options.ReclaimAfterSeconds is null ? options with { ReclaimAfterSeconds = 5 } : options;
    }

    /// <summary>One line for the run's header.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string> { $"strategies {string.Join(",", Strategies.Order(StringComparer.Ordinal))}", $"app kills: {Kills}" };
        if (KillInstance is not null)
        {
            parts.Add(string.Create(inv, $"{KillInstance} killed {InstanceKills}× with work pending, back after {InstanceDownSeconds} s (reclaim after {ReclaimAfterSeconds} s)"));
        }

        if (Failovers > 0)
        {
            parts.Add(string.Create(inv, $"two nodes on PostgreSQL, leader killed {Failovers}× (lease check {(LeaseCheckSeconds is { } l ? $"{l} s" : "app default")})"));
        }

        parts.Add($"failed jobs retried: {(RetryFailed ? "yes" : "no")}");
        return string.Join("; ", parts);
    }
}
