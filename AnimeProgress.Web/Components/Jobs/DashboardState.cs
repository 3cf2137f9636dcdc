using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Fleet;

namespace AnimeProgress.Web.Components.Jobs;

/// <summary>
/// What the dashboard shows (its job list, counters and fleet strip), kept in step with the hub's
/// batches. Decides when the page needs to render at all; the cards decide for themselves.
/// </summary>
public sealed class DashboardState(ProgressHub hub, TimeProvider time, int recentFinished)
{
    private Dictionary<long, int> _index = [];

    // With "My jobs" on: the status of each job not listed, so that only its change of group refreshes the counters.
    private Dictionary<long, JobStatus> _unlisted = [];

    public List<JobSnapshot> Visible { get; private set; } = [];

    /// <summary>How many of <see cref="Visible"/>, from the start, are running or queued.</summary>
    public int ActiveCount { get; private set; }

    /// <summary>Per instance, queued prompts without a card (see <see cref="JobOrdering.MaxQueuedPerInstance"/>).</summary>
    public IReadOnlyList<MoreQueued> MoreQueued { get; private set; } = [];

    public JobCounts Counts { get; private set; } = new(0, 0, 0, 0);

    public List<InstanceStatus> Instances { get; private set; } = [];

    /// <summary>
    /// "My jobs": only the jobs this name submitted are listed (the counters and the fleet strip stay the whole
    /// fleet's); null lists every job. Call <see cref="Refresh"/> after changing it.
    /// </summary>
    public string? SubmittedBy { get; set; }

    private IEnumerable<JobSnapshot> ListedJobs => SubmittedBy is { } name
        ? hub.Jobs.Where(j => string.Equals(j.SubmittedBy, name, StringComparison.Ordinal))
        : hub.Jobs;

    /// <summary>Reads everything afresh from the hub: order, counters, fleet.</summary>
    public void Refresh()
    {
        Instances = SortedInstances();
        var list = JobOrdering.ForDashboard(ListedJobs, recentFinished, Instances);
        (Visible, ActiveCount, MoreQueued) = (list.Jobs, list.ActiveCount, list.MoreQueued);
        _index = Visible.Select((job, i) => (job.Id, i)).ToDictionary(x => x.Id, x => x.i);
        _unlisted = SubmittedBy is null ? [] : hub.Jobs.Where(j => !_index.ContainsKey(j.Id)).ToDictionary(j => j.Id, j => j.Status);
        var now = time.GetLocalNow();
        var counts = JobCounts.From(hub.Jobs, new DateTimeOffset(now.Date, now.Offset));
        // Prompts queued beyond the tracking cap are queued all the same.
        Counts = counts with { Queued = counts.Queued + Instances.Sum(i => i.UntrackedQueued) };
    }

    /// <summary>
    /// Takes one batch; true when the page should render (once per delivery, whatever the batch holds).
    /// A job that is new here or changed group (queued → running → finished) reorders the list (a queued job without
    /// a card counts as new: it may belong among the first of its instance now);
    /// otherwise the newer snapshot replaces the shown one, and only its card re-renders.
    /// </summary>
    public bool Apply(HubBatch batch)
    {
        var reorder = batch.Removed.Any(_index.ContainsKey);
        var changed = false;
        foreach (var job in batch.Jobs)
        {
            if (SubmittedBy is { } name && !string.Equals(job.SubmittedBy, name, StringComparison.Ordinal) && !_index.ContainsKey(job.Id))
            {
                // Someone else's job: not listed; only a change of its status moves the counters.
                if (!_unlisted.TryGetValue(job.Id, out var status) || status != job.Status)
                {
                    _unlisted[job.Id] = job.Status;
                    reorder = true;
                }

                continue;
            }

            if (!_index.TryGetValue(job.Id, out var i) || Visible[i].Status != job.Status)
            {
                reorder = true;
            }
            else if (job.Version > Visible[i].Version)
            {
                Visible[i] = job;
                changed = true;
            }
        }

        if (reorder)
        {
            Refresh();
        }

        // The fleet strip shows online state and queue length; GPU memory readings alone do not re-render the page.
        if (batch.Instances.Count > 0)
        {
            var next = SortedInstances();
            if (!next.Select(FleetKey).SequenceEqual(Instances.Select(FleetKey)))
            {
                var untrackedChanged = !next.Select(i => i.UntrackedQueued).SequenceEqual(Instances.Select(i => i.UntrackedQueued));
                Instances = next;
                changed = true;
                if (untrackedChanged && !reorder)
                {
                    // The "+N more queued" lines and the queued counter include the prompts beyond the cap.
                    Refresh();
                }
            }
        }

        return reorder || changed;
    }

    private List<InstanceStatus> SortedInstances() => [.. hub.Instances.OrderBy(i => i.Name, StringComparer.Ordinal)];

    // What the strip shows: online, queue, and VRAM in tenths.
    private static string FleetKey(InstanceStatus i) =>
        $"{i.Name}|{i.Online}|{i.QueueRemaining}|{i.UntrackedQueued}|{(int)(10 * InstanceText.Percent(i.Devices.Sum(d => d.VramUsed), i.Devices.Sum(d => d.VramTotal)) / 100)}";
}
