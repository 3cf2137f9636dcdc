using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// Finished runs by what they have in common with a new job: same workflow on the same instance,
/// same workflow, same kind on the same instance, same kind. Thread-safe; memory is bounded
/// (the newest <see cref="RunsPerKey"/> runs per key, at most <see cref="MaxKeys"/> keys).
/// </summary>
public sealed class RunHistory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Key, Entry> _entries = [];
    private long _clock;

    public RunHistory(int runsPerKey = 50, int maxKeys = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runsPerKey, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 4);
        RunsPerKey = runsPerKey;
        MaxKeys = maxKeys;
    }

    public int RunsPerKey { get; }

    public int MaxKeys { get; }

    public void Add(JobFacts facts, RunRecord run)
    {
        lock (_gate)
        {
            foreach (var key in KeysOf(facts))
            {
                if (!_entries.TryGetValue(key, out var entry))
                {
                    if (_entries.Count >= MaxKeys)
                    {
                        EvictOldest();
                    }

                    entry = new Entry();
                    _entries[key] = entry;
                }

                entry.Runs.Enqueue(run);
                while (entry.Runs.Count > RunsPerKey)
                {
                    entry.Runs.Dequeue();
                }

                entry.LastUsed = ++_clock;
            }
        }
    }

    /// <summary>The most alike level with enough runs to trust (a copy, safe to use on any thread).</summary>
    public HistoryPrior Lookup(JobFacts facts)
    {
        lock (_gate)
        {
            foreach (var key in KeysOf(facts))
            {
                if (_entries.TryGetValue(key, out var entry) && entry.Runs.Count >= MinimumRuns(key.Level))
                {
                    return new HistoryPrior(key.Level, entry.Runs.ToArray());
                }
            }
        }

        return HistoryPrior.Empty;
    }

    public int CountOf(JobFacts facts, HistoryLevel level)
    {
        lock (_gate)
        {
            var key = KeysOf(facts).FirstOrDefault(k => k.Level == level);
            return key.Level == level && _entries.TryGetValue(key, out var entry) ? entry.Runs.Count : 0;
        }
    }

    // The same workflow on another machine is still a better guide than other workflows on this
    // one (a speed factor from the job's own progress corrects the machine's speed); the broad
    // levels need a few runs because they mix different pipelines.
    private static int MinimumRuns(HistoryLevel level) => level switch
    {
        HistoryLevel.WorkflowOnInstance => 3,
        HistoryLevel.Workflow => 1,
        HistoryLevel.KindOnInstance => 3,
        _ => 2,
    };

    private static IEnumerable<Key> KeysOf(JobFacts facts)
    {
        if (facts.WorkflowKey is { } workflow)
        {
            if (facts.Instance is { } instance)
            {
                yield return new Key(HistoryLevel.WorkflowOnInstance, facts.Kind, workflow, instance);
            }

            yield return new Key(HistoryLevel.Workflow, facts.Kind, workflow, null);
        }

        if (facts.Instance is { } machine)
        {
            yield return new Key(HistoryLevel.KindOnInstance, facts.Kind, null, machine);
        }

        yield return new Key(HistoryLevel.Kind, facts.Kind, null, null);
    }

    private void EvictOldest()
    {
        Key? oldest = null;
        var stamp = long.MaxValue;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastUsed < stamp)
            {
                stamp = entry.LastUsed;
                oldest = key;
            }
        }

        if (oldest is { } victim)
        {
            _entries.Remove(victim);
        }
    }

    private readonly record struct Key(HistoryLevel Level, JobKind Kind, string? Workflow, string? Instance);

    private sealed class Entry
    {
        public Queue<RunRecord> Runs { get; } = new();

        public long LastUsed { get; set; }
    }
}
