using System.Globalization;
using System.Text;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Plays one job's graph on a simulated GPU and writes its trace: a line when a node starts and
/// one per progress message, the percent by the nodes' weights (never 100 before success), the
/// GPU's speed changes and pauses applied to the time, and the failure if there is one. Cached
/// nodes are counted done at once, as ComfyUI's execution_cached message does.
/// </summary>
internal sealed class SimulatedRun
{
    private readonly IReadOnlyList<Phase> _phases;
    private readonly RunConditions _conditions;
    private readonly Random _random;
    private readonly double _queueWait;
    private readonly double _totalWeight;
    private readonly StringBuilder _lines = new();
    private readonly bool[] _pauseTaken;
    private double _run;

    private SimulatedRun(IReadOnlyList<Phase> phases, RunConditions conditions, Random random, double queueWait)
    {
        _phases = phases;
        _conditions = conditions;
        _random = random;
        _queueWait = queueWait;
        _totalWeight = phases.Sum(p => p.Weight);
        _pauseTaken = new bool[conditions.Pauses.Count];
    }

    /// <summary>The run's trace as JSON lines, header first; the job waits <paramref name="queueWait"/> seconds in the queue.</summary>
    public static string Write(JobKind kind, string workflow, string instance, double queueWait, IReadOnlyList<Phase> phases, RunConditions conditions, Random random)
    {
        var run = new SimulatedRun(phases, conditions, random, queueWait);
        var kindName = kind == JobKind.Video ? "video" : "image";
        run._lines.Append(CultureInfo.InvariantCulture, $"{{\"job\":{{\"kind\":\"{kindName}\",\"workflow\":\"{workflow}\",\"instance\":\"{instance}\"}}}}\n");
        run.Line(0, null, Stage.Queued, "queued");
        run.Play();
        return run._lines.ToString();
    }

    /// <summary>The reference seconds a graph takes on an unperturbed GPU of slowness 1 (for placing speed changes and pauses).</summary>
    public static double ReferenceSeconds(IEnumerable<Phase> phases) => phases.Where(p => !p.Cached).Sum(p => p.Seconds + p.FirstUpdateDelay);

    private void Play()
    {
        var done = _phases.Where(p => p.Cached).Sum(p => p.Weight);
        Emit(0, Stage.Initializing);
        var pending = _phases.Where(p => !p.Cached).ToList();
        if (done > 0 && pending.Count > 0)
        {
            // The cached nodes are reported together as soon as the prompt starts.
            _run = 0.05;
            Emit(done, pending[0].Stage);
        }

        foreach (var phase in pending)
        {
            Emit(done, phase.Stage);
            if (phase.Updates == 0)
            {
                if (!Work(phase.Seconds + phase.FirstUpdateDelay, phase.OnGpu))
                {
                    Fail(done);
                    return;
                }
            }
            else
            {
                if (!Work(phase.FirstUpdateDelay, phase.OnGpu))
                {
                    Fail(done);
                    return;
                }

                for (var step = 1; step <= phase.Updates; step++)
                {
                    if (!Work(phase.Seconds / phase.Updates * TraceWorkflows.LogNormal(_random, _conditions.StepJitter), phase.OnGpu))
                    {
                        Fail(done + phase.Weight * (step - 1) / phase.Updates);
                        return;
                    }

                    Emit(done + phase.Weight * step / phase.Updates, phase.Stage);
                }
            }

            done += phase.Weight;
        }

        Line(_queueWait + _run, 100, Stage.Completed, "completed");
    }

    /// <summary>Spends <paramref name="seconds"/> of reference work; false when the job fails on the way.</summary>
    private bool Work(double seconds, bool onGpu)
    {
        var left = seconds;
        while (true)
        {
            TakeDuePauses();
            if (_conditions.FailAt is { } failAt && _run >= failAt)
            {
                _run = Math.Max(_run, failAt);
                return false;
            }

            if (left <= 1e-12)
            {
                return true;
            }

            var slowness = onGpu ? SlownessAt(_run) : 1;
            var boundary = NextBoundary(_run);
            var need = left * slowness;
            if (_run + need <= boundary)
            {
                _run += need;
                left = 0;
            }
            else
            {
                left -= (boundary - _run) / slowness;
                _run = boundary;
            }
        }
    }

    private void TakeDuePauses()
    {
        for (var i = 0; i < _conditions.Pauses.Count; i++)
        {
            if (!_pauseTaken[i] && _conditions.Pauses[i].At <= _run)
            {
                _pauseTaken[i] = true;
                _run += _conditions.Pauses[i].Seconds;
            }
        }
    }

    private double SlownessAt(double run)
    {
        var slowness = _conditions.GpuSlowness;
        foreach (var change in _conditions.SpeedChanges)
        {
            if (change.At <= run && (change.Until is not { } until || run < until))
            {
                slowness *= change.Factor;
            }
        }

        return slowness;
    }

    // The next run second at which the speed changes, a pause begins, or the job fails.
    private double NextBoundary(double run)
    {
        var next = double.PositiveInfinity;
        foreach (var change in _conditions.SpeedChanges)
        {
            next = change.At > run ? Math.Min(next, change.At) : next;
            next = change.Until is { } until && until > run ? Math.Min(next, until) : next;
        }

        for (var i = 0; i < _conditions.Pauses.Count; i++)
        {
            next = !_pauseTaken[i] && _conditions.Pauses[i].At > run ? Math.Min(next, _conditions.Pauses[i].At) : next;
        }

        return _conditions.FailAt is { } failAt && failAt > run ? Math.Min(next, failAt) : next;
    }

    private void Fail(double doneWeight) => Line(_queueWait + _run, Percent(doneWeight), Stage.Failed, "failed");

    private void Emit(double doneWeight, Stage stage) => Line(_queueWait + _run, Percent(doneWeight), stage, "running");

    // The graph's percent, as the tracker computes it: never 100 before success.
    private double Percent(double doneWeight) => _totalWeight <= 0 ? 0 : Math.Min(99.9, 100 * doneWeight / _totalWeight);

    private void Line(double t, double? percent, Stage stage, string status)
    {
        var p = percent is { } value ? Math.Round(value, 2).ToString(CultureInfo.InvariantCulture) : "null";
        _lines.Append(CultureInfo.InvariantCulture, $"{{\"t\":{Math.Round(t, 3).ToString(CultureInfo.InvariantCulture)},\"percent\":{p},\"stage\":\"{stage.DisplayName()}\",\"status\":\"{status}\"}}\n");
    }
}
