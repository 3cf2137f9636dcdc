namespace AnimeProgress.Bench.FleetQueue;

/// <summary>One prompt of a job as an emulator's <c>/history</c> recorded it (Unix milliseconds).</summary>
internal sealed record PromptRun(string Instance, int Job, string PromptId, long StartMs, long EndMs, bool Succeeded);

/// <summary>What one strategy did with the job set, in figures.</summary>
internal sealed record StrategyFigures(
    string Strategy,
    double MakespanSeconds,
    IReadOnlyDictionary<string, double> BusyWhileWork,
    IReadOnlyList<double> GapsMs,
    int Lost,
    int RunTwice,
    int Failed,
    int Misplaced,
    ExactlyOnceTally Tally);

/// <summary>
/// Figures from the prompts the emulators ran and the moments jobs were accepted. Pure, so the tests can check it.
/// <list type="bullet">
/// <item><b>Busy while work that fits remains</b>, per instance: over every moment some job that fits it was accepted but
/// not yet started anywhere, the share it was running a prompt.</item>
/// <item><b>Dispatch gap</b>: instance free → its next prompt running, for every prompt end at which a job that fits it
/// was waiting.</item>
/// <item><b>Makespan</b>: first job accepted → last prompt ended.</item>
/// <item><b>Lost / run twice</b>: see <see cref="ExactlyOnceTally"/>.</item>
/// </list>
/// </summary>
internal static class FleetRunStats
{
    public static StrategyFigures Compute(string strategy, IReadOnlyList<FleetJob> jobs, IReadOnlyList<FleetInstance> fleet, IReadOnlyDictionary<int, long> acceptedMs, IReadOnlyList<PromptRun> runs,
        IReadOnlyDictionary<int, string?>? reportedFailed = null, IReadOnlySet<int>? retried = null)
    {
        var firstStart = runs.GroupBy(r => r.Job).ToDictionary(g => g.Key, g => g.Min(r => r.StartMs));
        var lastEnd = runs.Count == 0 ? 0 : runs.Max(r => r.EndMs);
        var busy = new Dictionary<string, double>(StringComparer.Ordinal);
        var gaps = new List<double>();
        foreach (var instance in fleet)
        {
            // When some job that fits this instance was waiting (accepted, not started anywhere yet).
            var waiting = Merge(jobs.Where(j => j.Fits(instance) && acceptedMs.ContainsKey(j.Index))
                .Select(j => (acceptedMs[j.Index], firstStart.GetValueOrDefault(j.Index, lastEnd))));
            var own = runs.Where(r => r.Instance == instance.Name).OrderBy(r => r.StartMs).ToList();
            var total = waiting.Sum(w => (double)(w.End - w.Start));
            var covered = waiting.Sum(w => own.Sum(r => (double)Math.Max(0, Math.Min(w.End, r.EndMs) - Math.Max(w.Start, r.StartMs))));
            busy[instance.Name] = total > 0 ? covered / total : 1;
            for (var i = 0; i + 1 < own.Count; i++)
            {
                var freeAt = own[i].EndMs;
                if (waiting.Any(w => w.Start <= freeAt && freeAt < w.End))
                {
                    gaps.Add(Math.Max(0, own[i + 1].StartMs - freeAt));
                }
            }
        }

        var tally = ExactlyOnceTally.Count(jobs, runs, reportedFailed ?? new Dictionary<int, string?>(), retried ?? new HashSet<int>());
        var makespan = runs.Count == 0 || acceptedMs.Count == 0 ? 0 : (runs.Max(r => r.EndMs) - acceptedMs.Values.Min()) / 1000.0;
        return new StrategyFigures(
            strategy,
            makespan,
            busy,
            [.. gaps.Order()],
            Lost: tally.Lost,
            RunTwice: tally.RunTwice,
            Failed: runs.Count(r => !r.Succeeded),
            Misplaced: runs.Count(r => !jobs.Single(j => j.Index == r.Job).Fits(fleet.Single(f => f.Name == r.Instance))),
            tally);
    }

    /// <summary>The value at quantile <paramref name="q"/> (nearest rank) of sorted values; 0 when empty.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static List<(long Start, long End)> Merge(IEnumerable<(long Start, long End)> intervals)
    {
        var merged = new List<(long Start, long End)>();
        foreach (var (start, end) in intervals.Where(i => i.End > i.Start).OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return merged;
    }
}
