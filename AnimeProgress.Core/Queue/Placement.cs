using System.Globalization;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// Whether a job fits an instance, and the sentences that say why not. Pure: the dispatcher, the queue view and the
/// submission check ask the same questions of the same facts.
/// </summary>
public static class Placement
{
    /// <summary>Why this instance can never take the job as it is now set up (memory, labels, models, node types); null when it can.</summary>
    public static string? Misfit(JobNeeds needs, IReadOnlySet<string> nodeTypes, InstanceCapability instance, bool unknownFits)
    {
        var missingLabels = needs.Labels.Where(l => !instance.Labels.Contains(l, StringComparer.Ordinal)).ToList();
        if (missingLabels.Count > 0)
        {
            return $"{instance.Name} lacks the label{Plural(missingLabels)} {string.Join(", ", missingLabels)}";
        }

        if (needs.VramGb is { } vram)
        {
            if (instance.VramGb is { } has)
            {
                if (has + 0.05 < vram)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{instance.Name} has {has:0.#} GB");
                }
            }
            else if (!unknownFits)
            {
                return $"{instance.Name} has not reported its GPU memory yet";
            }
        }

        if (instance.Catalog is { } catalog)
        {
            var missingModels = needs.Models.Where(m => !catalog.Models.Contains(m)).ToList();
            if (missingModels.Count > 0)
            {
                return $"{instance.Name} does not list {string.Join(", ", missingModels)}";
            }

            var missingTypes = nodeTypes.Where(t => !catalog.NodeTypes.Contains(t)).Order(StringComparer.Ordinal).ToList();
            if (missingTypes.Count > 0)
            {
                return $"{instance.Name} has no node type{Plural(missingTypes)} {string.Join(", ", missingTypes.Take(3))}";
            }
        }
        else if (!unknownFits && (needs.Models.Count > 0 || nodeTypes.Count > 0))
        {
            return $"{instance.Name} has not told its models and node types yet";
        }

        return null;
    }

    /// <summary>
    /// The sentence refusing a job no instance can ever take (memory, labels, models or node types nobody has), or null.
    /// What an instance has not reported yet counts as possible: only what is known rules an instance out.
    /// </summary>
    public static string? NeverFits(JobNeeds needs, IReadOnlySet<string> nodeTypes, string? pinned, IReadOnlyList<InstanceCapability> instances)
    {
        var candidates = instances.Where(i => pinned is null || i.Name == pinned).ToList();
        if (candidates.Count == 0)
        {
            return pinned is null ? "No ComfyUI instance is configured." : $"There is no ComfyUI instance '{pinned}'.";
        }

        var misfits = candidates.Select(i => Misfit(needs, nodeTypes, i, unknownFits: true)).ToList();
        if (misfits.Any(m => m is null))
        {
            return null;
        }

        var what = needs.IsEmpty ? "its node types" : needs.Describe();
        return $"No instance can ever take this job: it needs {what} ({string.Join("; ", misfits)}).";
    }

    /// <summary>Why a job that fits somewhere waits: every instance that could take it is offline, drained or busy.</summary>
    public static string WhyWaiting(JobNeeds needs, IReadOnlySet<string> nodeTypes, string? pinned, IReadOnlyList<InstanceCapability> instances, Func<string, bool> busy)
    {
        var candidates = instances.Where(i => pinned is null || i.Name == pinned).ToList();
        var misfits = new List<string>();
        var unavailable = new List<string>();
        foreach (var instance in candidates)
        {
            if (Misfit(needs, nodeTypes, instance, unknownFits: false) is { } misfit)
            {
                misfits.Add(misfit);
            }
            else if (!instance.Online)
            {
                unavailable.Add(instance.Name + " is offline");
            }
            else if (instance.Draining)
            {
                unavailable.Add(instance.Name + " is drained");
            }
            else if (busy(instance.Name))
            {
                unavailable.Add(instance.Name + " is busy");
            }
        }

        if (unavailable.Count == 0)
        {
            return misfits.Count == 0
                ? "Next in line."
                : $"Needs {needs.Describe()}: no free instance has it ({string.Join("; ", misfits)}).";
        }

        return $"Waits for an instance that fits: {string.Join("; ", unavailable)}" + (misfits.Count > 0 ? $" ({string.Join("; ", misfits)})." : ".");
    }

    private static string Plural(List<string> items) => items.Count == 1 ? "" : "s";
}
