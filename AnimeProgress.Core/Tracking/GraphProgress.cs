namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Overall percent of one prompt from its graph: each node to run has a weight (samplers by
/// their steps, others a small constant), cached nodes count as done, the running node adds its
/// step fraction. The result never goes backwards and stays below 100 until the prompt succeeds.
/// </summary>
public sealed class GraphProgress
{
    /// <summary>What a node without steps weighs against one sampler step.</summary>
    public const double PlainNodeWeight = 2;

    private readonly WorkflowGraph _graph;
    // Created on the first report: most tracked jobs wait in a queue and never need it.
    private Dictionary<string, double>? _fraction;
    private readonly double _totalWeight;
    private double _highWater;

    public GraphProgress(WorkflowGraph graph)
    {
        _graph = graph;
        _totalWeight = graph.NodesToRun.Sum(WeightOf);
    }

    /// <summary>0–99.9 while running; 100 only through <see cref="Complete"/>.</summary>
    public double Percent => _highWater;

    public bool HasGraph => _totalWeight > 0;

    public void MarkCached(IEnumerable<string> nodeIds)
    {
        var fraction = Fractions;
        foreach (var id in nodeIds)
        {
            fraction[id] = 1;
        }

        Recompute();
    }

    public void MarkFinished(string nodeId)
    {
        Fractions[nodeId] = 1;
        Recompute();
    }

    public void Report(string nodeId, double value, double max)
    {
        var fraction = max > 0 ? Math.Clamp(value / max, 0, 1) : 0;
        Fractions[nodeId] = Math.Max(Fractions.GetValueOrDefault(nodeId), fraction);
        Recompute();
    }

    public void Complete() => _highWater = 100;

    private Dictionary<string, double> Fractions => _fraction ??= new(StringComparer.Ordinal);

    private void Recompute()
    {
        if (_totalWeight <= 0 || _fraction is null)
        {
            return;
        }

        double done = 0;
        foreach (var (id, fraction) in _fraction)
        {
            if (_graph.NodesToRun.Contains(id))
            {
                done += WeightOf(id) * fraction;
            }
        }

        var percent = Math.Min(99.9, 100 * done / _totalWeight);
        _highWater = Math.Max(_highWater, percent);
    }

    private double WeightOf(string nodeId) =>
        _graph.Nodes.TryGetValue(nodeId, out var node) && node.Steps is > 0 ? node.Steps.Value : PlainNodeWeight;
}
