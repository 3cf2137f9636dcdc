namespace AnimeProgress.Core.Estimation;

/// <summary>Order statistics over small samples (the history holds at most a few dozen runs).</summary>
public static class Quantiles
{
    /// <summary>Linear interpolation between closest ranks; NaN for an empty sample.</summary>
    public static double Of(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var position = Math.Clamp(q, 0, 1) * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    public static double Median(IReadOnlyList<double> values) => Of(values, 0.5);

    /// <summary>
    /// Weighted quantiles: each value sits at the middle of its share of the total weight, and
    /// each q is interpolated between them. NaN when there is no weight.
    /// </summary>
    public static double[] Weighted(IReadOnlyList<double> values, IReadOnlyList<double> weights, params ReadOnlySpan<double> qs)
    {
        var order = Enumerable.Range(0, values.Count).Where(i => weights[i] > 0).OrderBy(i => values[i]).ToArray();
        var total = order.Sum(i => weights[i]);
        var result = new double[qs.Length];
        if (order.Length == 0 || total <= 0)
        {
            Array.Fill(result, double.NaN);
            return result;
        }

        // Where each value sits on the weight axis.
        var positions = new double[order.Length];
        var cumulative = 0.0;
        for (var k = 0; k < order.Length; k++)
        {
            positions[k] = cumulative + weights[order[k]] / 2;
            cumulative += weights[order[k]];
        }

        for (var n = 0; n < qs.Length; n++)
        {
            var target = Math.Clamp(qs[n], 0, 1) * total;
            var k = Array.BinarySearch(positions, target);
            k = k >= 0 ? k : ~k;
            if (k == 0 || k == order.Length)
            {
                result[n] = values[order[Math.Min(k, order.Length - 1)]];
                continue;
            }

            var share = (target - positions[k - 1]) / (positions[k] - positions[k - 1]);
            result[n] = values[order[k - 1]] + (values[order[k]] - values[order[k - 1]]) * share;
        }

        return result;
    }
}
