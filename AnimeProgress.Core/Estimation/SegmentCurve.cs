namespace AnimeProgress.Core.Estimation;

/// <summary>
/// How percent grew inside one stage visit: at each increment, the seconds since the visit
/// began and the percent done since it began. Percent inside a stage is not linear in time
/// (a tiled upscaler creeps, the node after it jumps when it finishes), so a job's position in a
/// stage is matched against the curve, not against a straight line.
/// </summary>
public sealed class SegmentCurve
{
    private readonly double[] _seconds;
    private readonly double[] _done;

    public SegmentCurve(IReadOnlyList<(double Seconds, double Done)> points)
    {
        _seconds = points.Select(p => p.Seconds).ToArray();
        _done = points.Select(p => p.Done).ToArray();
    }

    public int Count => _done.Length;

    /// <summary>The increments: seconds into the visit, percent done in it.</summary>
    public IEnumerable<(double Seconds, double Done)> Points => _seconds.Zip(_done);

    /// <summary>Percent the whole visit covered.</summary>
    public double Span => _done.Length == 0 ? 0 : _done[^1];

    /// <summary>
    /// Seconds into the visit at which <paramref name="done"/> percent was reached, interpolated
    /// between increments; the last increment's time when the visit never got that far.
    /// </summary>
    public double TimeAt(double done)
    {
        if (_done.Length == 0 || done <= 0)
        {
            return 0;
        }

        var i = FirstReaching(done);
        if (i < 0)
        {
            return _seconds[^1];
        }

        var (fromSeconds, fromDone) = i == 0 ? (0.0, 0.0) : (_seconds[i - 1], _done[i - 1]);
        var step = _done[i] - fromDone;
        return step <= 1e-9 ? _seconds[i] : fromSeconds + (_seconds[i] - fromSeconds) * Math.Clamp((done - fromDone) / step, 0, 1);
    }

    /// <summary>Seconds into the visit of the first increment beyond <paramref name="done"/> percent; null when there is none.</summary>
    public double? NextAfter(double done)
    {
        for (var i = 0; i < _done.Length; i++)
        {
            if (_done[i] > done + 1e-6)
            {
                return _seconds[i];
            }
        }

        return null;
    }

    private int FirstReaching(double done)
    {
        // Percent levels match exactly for the same workflow; allow rounding from other sources.
        var level = done - 1e-6;
        var lo = 0;
        var hi = _done.Length - 1;
        if (_done[hi] < level)
        {
            return -1;
        }

        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_done[mid] >= level)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
