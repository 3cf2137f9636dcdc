namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// Whether every job ran exactly once, counted from the prompts the emulators ran (killed machines' earlier lives
/// included) and what the app said about the jobs that have no successful prompt.
/// </summary>
/// <param name="RanOnce">Jobs with exactly one prompt, and it succeeded.</param>
/// <param name="RunTwice">Jobs with more than one prompt that started (whatever their outcome).</param>
/// <param name="Lost">Jobs with no successful prompt that the app did not show as failed with a reason: silently lost.</param>
/// <param name="FailedWithReason">
/// Jobs the app showed as failed with a reason while none of their prompts had succeeded: by design, a prompt running on a
/// machine that dies is lost with it and said so (not silently lost, not run again behind the operator's back).
/// </param>
/// <param name="RetriedRanOnce">Of those, the ones the bench retried (<c>POST /api/jobs/{id}/retry</c>) that then ran exactly once.</param>
internal sealed record ExactlyOnceTally(int RanOnce, int RunTwice, int Lost, int FailedWithReason, int RetriedRanOnce)
{
    public static ExactlyOnceTally Empty { get; } = new(0, 0, 0, 0, 0);

    /// <param name="reportedFailed">Job number → the error the app showed for it, for the jobs it showed failed before any retry.</param>
    /// <param name="retried">Job numbers the bench retried through the app.</param>
    public static ExactlyOnceTally Count(IReadOnlyList<FleetJob> jobs, IReadOnlyList<PromptRun> runs, IReadOnlyDictionary<int, string?> reportedFailed, IReadOnlySet<int> retried)
    {
        var prompts = runs.GroupBy(r => r.Job).ToDictionary(g => g.Key, g => (All: g.Count(), Succeeded: g.Count(r => r.Succeeded)));
        bool Once(int job) => prompts.TryGetValue(job, out var p) && p is { All: 1, Succeeded: 1 };
        bool WithReason(int job) => reportedFailed.TryGetValue(job, out var error) && !string.IsNullOrWhiteSpace(error);
        return new ExactlyOnceTally(
            RanOnce: jobs.Count(j => Once(j.Index)),
            RunTwice: prompts.Values.Count(p => p.All > 1),
            Lost: jobs.Count(j => prompts.GetValueOrDefault(j.Index).Succeeded == 0 && !WithReason(j.Index)),
            FailedWithReason: jobs.Count(j => WithReason(j.Index)),
            RetriedRanOnce: jobs.Count(j => WithReason(j.Index) && retried.Contains(j.Index) && Once(j.Index)));
    }
}
