using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>One family's jobs of one kind: counts and a <see cref="CellScore"/> per checkpoint.</summary>
internal sealed class KindScore(JobKind kind)
{
    /// <summary>The checkpoints the family table reports: shares of the true run time.</summary>
    public static readonly double[] Checkpoints = [0.10, 0.25, 0.50, 0.75];

    public JobKind Kind { get; } = kind;

    public int Jobs { get; private set; }

    public int Scored { get; private set; }

    public int Failed { get; private set; }

    public IReadOnlyList<CellScore> Cells { get; } = Checkpoints.Select(_ => new CellScore()).ToArray();

    public void Add(JobReplay job)
    {
        Jobs++;
        if (!job.Completed)
        {
            Failed += job.Ran ? 1 : 0;
            return;
        }

        Scored++;
        foreach (var prediction in job.Predictions)
        {
            var i = Array.IndexOf(Checkpoints, prediction.Fraction);
            if (i >= 0)
            {
                Cells[i].Add(prediction);
            }
        }
    }
}
