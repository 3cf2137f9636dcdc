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
    private long _sequence;

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
            AddUnderGate(facts, run);
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
                    return new HistoryPrior(key.Level, entry.Runs.Select(r => r.Run).ToArray(), ScoringRuns(facts, key.Level));
                }
            }
        }

        return HistoryPrior.Empty;
    }

    // Under the gate: the workflow's runs on every instance when the job has workflow history, else
    // its kind's; of those, the runs that had the same kind of history when they ran.
    private Remembered[] ScoringRunsOf(Key key, Func<HistoryLevel, bool> sameSituation) =>
        _entries.TryGetValue(key, out var entry) ? entry.Runs.Where(r => sameSituation(r.Run.PriorLevel)).ToArray() : [];

    private RunRecord[] ScoringRuns(JobFacts facts, HistoryLevel level)
    {
        var workflowHistory = level is HistoryLevel.WorkflowOnInstance or HistoryLevel.Workflow;
        var key = workflowHistory
            ? new Key(HistoryLevel.Workflow, facts.Kind, facts.WorkflowKey, null)
            : new Key(HistoryLevel.Kind, facts.Kind, null, null);
        return ScoringRunsOf(key, l => workflowHistory
            ? l is HistoryLevel.WorkflowOnInstance or HistoryLevel.Workflow
            : l is HistoryLevel.KindOnInstance or HistoryLevel.Kind).Select(r => r.Run).ToArray();
    }

    /// <summary>
    /// Every run remembered under any key, oldest first, as plain records (for a store to keep;
    /// <see cref="Import"/> loads them into a new history).
    /// </summary>
    public RunHistorySnapshot Export()
    {
        List<Remembered> runs;
        lock (_gate)
        {
            runs = _entries.Values.SelectMany(e => e.Runs).DistinctBy(r => r.Sequence).OrderBy(r => r.Sequence).ToList();
        }

        return new RunHistorySnapshot(RunHistorySnapshot.CurrentFormat, runs.Select(r => RunSnapshotMapping.ToSnapshot(r.Facts, r.Run)).ToArray());
    }

    /// <summary>
    /// Adds the runs of <paramref name="snapshot"/> in their order, as if they had just finished:
    /// loaded into an empty history, it remembers what the exported one did. A snapshot of
    /// another format is ignored (false).
    /// </summary>
    public bool Import(RunHistorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Format != RunHistorySnapshot.CurrentFormat)
        {
            return false;
        }

        foreach (var run in snapshot.Runs)
        {
            var (facts, record) = RunSnapshotMapping.FromSnapshot(run);
            Add(facts, record);
        }

        return true;
    }

    /// <summary>
    /// Forgets everything and loads <paramref name="snapshot"/> in one step, so a lookup meanwhile sees either the old
    /// history or the new one, never half of it (a node taking over ingestion reloads what the database holds).
    /// A snapshot of another format leaves the history as it was (false).
    /// </summary>
    public bool Replace(RunHistorySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Format != RunHistorySnapshot.CurrentFormat)
        {
            return false;
        }

        var runs = snapshot.Runs.Select(RunSnapshotMapping.FromSnapshot).ToList();
        lock (_gate)
        {
            _entries.Clear();
            _clock = 0;
            _sequence = 0;
            foreach (var (facts, record) in runs)
            {
                AddUnderGate(facts, record);
            }
        }

        return true;
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

    private void AddUnderGate(JobFacts facts, RunRecord run)
    {
        var remembered = new Remembered(++_sequence, facts, run);
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

            entry.Runs.Enqueue(remembered);
            while (entry.Runs.Count > RunsPerKey)
            {
                entry.Runs.Dequeue();
            }

            entry.LastUsed = ++_clock;
        }
    }

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

    /// <summary>A run as remembered: in which order it came, and whose it was (for export).</summary>
    private sealed record Remembered(long Sequence, JobFacts Facts, RunRecord Run);

    private sealed class Entry
    {
        public Queue<Remembered> Runs { get; } = new();

        public long LastUsed { get; set; }
    }
}
