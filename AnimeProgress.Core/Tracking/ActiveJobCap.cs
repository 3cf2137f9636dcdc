using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Caps the jobs followed per instance (<see cref="TrackerOptions.MaxActiveJobsPerInstance"/>). A queue read may
/// start following its unknown prompts, in queue order, while the instance's followed prompts leave room; the rest
/// are listed in <see cref="UntrackedQueues"/> and counted on the instance. Room opens as followed prompts leave
/// the queue, so the next read promotes the earliest waiting ones. Linear in the queue's length.
/// </summary>
internal sealed class ActiveJobCap(JobTable table, UntrackedQueues untracked, int maxPerInstance)
{
    /// <summary>How many unknown prompts of this read will be followed (to reserve their ids ahead).</summary>
    public int CountAdmitted(InstanceReconciled r)
    {
        var (followed, unknown) = (0, 0);
        foreach (var item in Items(r.Queue))
        {
            if (table.TryGetIdOfPrompt(item.Item.PromptId, out _))
            {
                followed++;
            }
            else
            {
                unknown++;
            }
        }

        return Math.Min(unknown, Math.Max(0, maxPerInstance - followed));
    }

    /// <summary>Decides which unknown prompts of this read are followed, and records the others for the instance.</summary>
    public QueueAdmission Admit(InstanceReconciled r)
    {
        var room = Math.Max(0, maxPerInstance - Items(r.Queue).Count(i => table.TryGetIdOfPrompt(i.Item.PromptId, out _)));
        var admitted = new HashSet<string>(StringComparer.Ordinal);
        var left = new List<UntrackedPrompt>();
        foreach (var (item, position) in Items(r.Queue))
        {
            if (table.TryGetIdOfPrompt(item.PromptId, out _) || admitted.Contains(item.PromptId))
            {
                continue;
            }

            if (admitted.Count < room)
            {
                admitted.Add(item.PromptId);
            }
            else
            {
                left.Add(new UntrackedPrompt(position, item.PromptId, ForeignJobs.TitleOf(item), ForeignJobs.SourceOf(item.ClientId, r.OwnClientId)));
            }
        }

        untracked.Set(r.Instance, left);
        return new QueueAdmission(admitted, left.Count);
    }

    private static IEnumerable<(QueueItem Item, int Position)> Items(QueueState queue) =>
        queue.Running.Select(i => (i, 0)).Concat(queue.Pending.Select((i, n) => (i, n + 1)));
}

/// <summary>One queue read's decision: the unknown prompts to follow now, and how many wait beyond the cap.</summary>
internal sealed record QueueAdmission(IReadOnlySet<string> Followed, int Untracked);
