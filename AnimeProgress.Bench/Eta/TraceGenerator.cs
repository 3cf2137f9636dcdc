using System.Globalization;
using System.Text;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

/// <summary>
/// Writes a realistic trace set: jobs arrive at random and wait in the queue of one of three
/// GPUs of different speeds; loaders are slow after another model family ran; a quarter of the
/// jobs change speed mid-run (thermal throttling, a neighbour on the GPU), some pause, a few fail.
/// Percent is computed the way <c>GraphProgress</c> does (steps for samplers, 2 for other nodes),
/// and observations come when ComfyUI would send them: a node starting, a progress message.
/// </summary>
internal sealed class TraceGenerator
{
    public static readonly (string Name, double Slowness)[] Instances = [("gpu-1", 1.0), ("gpu-2", 1.3), ("gpu-3", 0.85)];

    public const double SpeedChangeShare = 0.25;
    public const double PauseShare = 0.12;
    public const double FailureShare = 0.04;
    public const double SurpriseEvictionShare = 0.08;

    // About 85 % busy: queues form, as in a studio's day.
    private const double MeanSecondsBetweenSubmits = 50;

    // What the submitter counts a model reload as when it picks a GPU.
    private const double ReloadPenaltySeconds = 30;

    private readonly Random _random;

    public TraceGenerator(int seed) => _random = new Random(seed);

    public sealed record Summary(int Jobs, int Failed, int SpeedChanges, int Pauses, int ColdStarts, IReadOnlyDictionary<string, (int Count, double MedianRun)> Workflows, double MedianQueueWait, double P90QueueWait);

    public Summary Write(string directory, int jobs)
    {
        Directory.CreateDirectory(directory);
        var (traces, summary) = Generate(jobs);
        foreach (var trace in traces)
        {
            File.WriteAllText(Path.Combine(directory, trace.Name), trace.Text);
        }

        return summary;
    }

    /// <summary>The trace set in memory: one trace per job, in submission order.</summary>
    public (IReadOnlyList<Families.GeneratedTrace> Traces, Summary Summary) Generate(int jobs)
    {
        var traces = new List<Families.GeneratedTrace>(jobs);
        var freeAt = new double[Instances.Length];
        var family = new string?[Instances.Length];
        var submit = 0.0;
        int failed = 0, speedChanges = 0, pauses = 0, cold = 0;
        var runs = new Dictionary<string, List<double>>();
        var waits = new List<double>();
        for (var i = 1; i <= jobs; i++)
        {
            submit += -Math.Log(1 - _random.NextDouble()) * MeanSecondsBetweenSubmits;
            var workflow = TraceWorkflows.Pick(_random);
            var instance = Route(freeAt, family, submit, workflow.Family);
            var isCold = family[instance] != workflow.Family || _random.NextDouble() < SurpriseEvictionShare;
            var start = Math.Max(submit, freeAt[instance]);
            var job = new SimJob(_random, workflow, Instances[instance], isCold, start - submit);
            traces.Add(new Families.GeneratedTrace($"job-{i:0000}.jsonl", job.Run()));

            freeAt[instance] = submit + job.EndT;
            family[instance] = workflow.Family;
            waits.Add(start - submit);
            failed += job.Failed ? 1 : 0;
            speedChanges += job.SpeedChanged ? 1 : 0;
            pauses += job.Paused ? 1 : 0;
            cold += isCold ? 1 : 0;
            if (!job.Failed)
            {
                (runs.TryGetValue(workflow.Key, out var list) ? list : runs[workflow.Key] = []).Add(job.EndT - (start - submit));
            }
        }

        return (traces, new Summary(jobs, failed, speedChanges, pauses, cold,
            runs.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => (r.Value.Count, AnimeProgress.Core.Estimation.Quantiles.Median(r.Value))),
            AnimeProgress.Core.Estimation.Quantiles.Median(waits), AnimeProgress.Core.Estimation.Quantiles.Of(waits, 0.9)));
    }

    /// <summary>
    /// The submitter sends a job where it should start soonest, counting a model reload against
    /// a GPU that has another family loaded; a few go to a random GPU (an operator's choice).
    /// </summary>
    private int Route(double[] freeAt, string?[] family, double submit, string wanted)
    {
        if (_random.NextDouble() < 0.15)
        {
            return _random.Next(Instances.Length);
        }

        var best = 0;
        var bestStart = double.PositiveInfinity;
        for (var i = 0; i < Instances.Length; i++)
        {
            var start = Math.Max(submit, freeAt[i]) + (family[i] == wanted ? 0 : ReloadPenaltySeconds);
            if (start < bestStart)
            {
                (best, bestStart) = (i, start);
            }
        }

        return best;
    }

    /// <summary>One job's simulated run, written as trace lines.</summary>
    private sealed class SimJob
    {
        private readonly Random _random;
        private readonly SimWorkflow _workflow;
        private readonly string _instance;
        private readonly List<SimNode> _nodes;
        private readonly double _queueWait;
        private readonly double _speed;
        private readonly StringBuilder _lines = new();
        private readonly double _changeAt = double.PositiveInfinity;
        private readonly double _changeFactor = 1;
        private readonly double _pauseAt = double.PositiveInfinity;
        private readonly double _pauseSeconds;
        private readonly int _failNode = -1;
        private readonly double _totalWeight;
        private bool _pauseTaken;
        private double _t;

        public SimJob(Random random, SimWorkflow workflow, (string Name, double Slowness) instance, bool cold, double queueWait)
        {
            _random = random;
            _workflow = workflow;
            _instance = instance.Name;
            _nodes = workflow.Build(random, cold);
            _queueWait = queueWait;
            _speed = instance.Slowness * TraceWorkflows.LogNormal(random, 0.06);
            _totalWeight = _nodes.Sum(n => n.Weight);
            var expected = _nodes.Sum(n => (n.Seconds + n.FirstUpdateDelay) * (n.OnGpu ? _speed : 1));
            if (random.NextDouble() < SpeedChangeShare)
            {
                _changeAt = expected * (0.15 + 0.6 * random.NextDouble());
                _changeFactor = random.NextDouble() < 0.6 ? 1.3 + 0.5 * random.NextDouble() : 0.55 + 0.25 * random.NextDouble();
            }

            if (random.NextDouble() < PauseShare)
            {
                _pauseAt = expected * (0.2 + 0.65 * random.NextDouble());
                _pauseSeconds = 6 + 39 * random.NextDouble();
            }

            if (random.NextDouble() < FailureShare)
            {
                _failNode = 1 + random.Next(_nodes.Count - 1);
            }
        }

        public bool Failed => _failNode >= 0;

        public bool SpeedChanged => double.IsFinite(_changeAt) && _changeAt < RunSeconds;

        public bool Paused => _pauseTaken;

        /// <summary>Seconds since submit of the last line.</summary>
        public double EndT => _t;

        private double RunSeconds => _t - _queueWait;

        public string Run()
        {
            var kind = _workflow.Kind == JobKind.Video ? "video" : "image";
            _lines.Append(CultureInfo.InvariantCulture, $"{{\"job\":{{\"kind\":\"{kind}\",\"workflow\":\"{_workflow.Key}\",\"instance\":\"{_instance}\"}}}}\n");
            Line(null, Stage.Queued, "queued");
            _t = _queueWait;
            var done = 0.0;
            Line(0, Stage.Initializing, "running");
            for (var i = 0; i < _nodes.Count; i++)
            {
                var node = _nodes[i];
                Line(Percent(done), node.Stage, "running");
                if (i == _failNode)
                {
                    Work(node, (node.Seconds + node.FirstUpdateDelay) * (0.1 + 0.8 * _random.NextDouble()));
                    Line(Percent(done), Stage.Failed, "failed");
                    return _lines.ToString();
                }

                if (node.Updates == 0)
                {
                    Work(node, node.Seconds);
                }
                else
                {
                    Work(node, node.FirstUpdateDelay);
                    for (var step = 1; step <= node.Updates; step++)
                    {
                        Work(node, node.Seconds / node.Updates * TraceWorkflows.LogNormal(_random, 0.04));
                        Line(Percent(done + node.Weight * step / node.Updates), node.Stage, "running");
                    }
                }

                done += node.Weight;
            }

            Line(100, Stage.Completed, "completed");
            return _lines.ToString();
        }

        // The graph's percent, as the tracker computes it: never 100 before success.
        private double Percent(double doneWeight) => Math.Min(99.9, 100 * doneWeight / _totalWeight);

        private void Work(SimNode node, double seconds)
        {
            var run = RunSeconds;
            var factor = node.OnGpu ? _speed * (run >= _changeAt ? _changeFactor : 1) : 1;
            var duration = seconds * factor;
            if (!_pauseTaken && run + duration >= _pauseAt)
            {
                // The GPU is taken away for a while (another process, a VRAM swap): no messages meanwhile.
                duration += _pauseSeconds;
                _pauseTaken = true;
            }

            _t += duration;
        }

        private void Line(double? percent, Stage stage, string status)
        {
            var p = percent is { } value ? Math.Round(value, 2).ToString(CultureInfo.InvariantCulture) : "null";
            _lines.Append(CultureInfo.InvariantCulture, $"{{\"t\":{Math.Round(_t, 3)},\"percent\":{p},\"stage\":\"{stage.DisplayName()}\",\"status\":\"{status}\"}}\n");
        }
    }
}
