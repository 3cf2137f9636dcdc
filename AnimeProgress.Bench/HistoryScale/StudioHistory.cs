using System.Globalization;

namespace AnimeProgress.Bench.HistoryScale;

/// <summary>
/// A studio's year of finished jobs, drawn from a seed: ids in the order jobs were made, finish times spread over
/// <see cref="Span"/>, and skewed shares as a studio has them (a few busy GPUs, pipelines and workflows, a long tail
/// of rare ones; some jobs from other programs without a submitter). The same seed draws the same history.
/// </summary>
internal sealed class StudioHistory
{
    public static readonly TimeSpan Span = TimeSpan.FromDays(365);

    public const int Instances = 20;
    public const int Workflows = 40;
    public const int Submitters = 60;

    /// <summary>One finished job as seeded.</summary>
    public readonly record struct Job(
        long Id, bool Video, int Instance, int Workflow, int? Submitter, string Status,
        DateTime CreatedAt, DateTime StartedAt, DateTime CompletedAt);

    private readonly double[] _instanceWeights = Zipf(Instances, 0.8);
    private readonly double[] _workflowWeights = Zipf(Workflows, 1.1);
    private readonly double[] _submitterWeights = Zipf(Submitters, 1.0);

    public StudioHistory(int jobs, DateTime end, int seed)
    {
        JobCount = jobs;
        End = end;
        Seed = seed;
    }

    public int JobCount { get; }

    public DateTime End { get; }

    public int Seed { get; }

    public DateTime Start => End - Span;

    public static string InstanceName(int rank) => string.Create(CultureInfo.InvariantCulture, $"gpu-{rank + 1:00}");

    /// <summary>A 32-hex workflow key, as the app's structural hash looks.</summary>
    public static string WorkflowKey(int rank) => string.Create(CultureInfo.InvariantCulture, $"{(uint)(rank * 2654435761u):x8}{rank:x24}");

    public static string SubmitterName(int rank) => rank < 6
        ? string.Create(CultureInfo.InvariantCulture, $"pipeline-{rank + 1}")
        : string.Create(CultureInfo.InvariantCulture, $"artist-{rank - 5:00}");

    /// <summary>Every job, oldest first.</summary>
    public IEnumerable<Job> Jobs()
    {
        var random = new Random(Seed);
        var step = Span.Ticks / (double)JobCount;
        for (long id = 1; id <= JobCount; id++)
        {
            var created = Start.AddTicks((long)(step * (id - 1)));
            var video = random.NextDouble() < 0.3;
            var wait = TimeSpan.FromSeconds(random.Next(0, 600));
            var run = TimeSpan.FromSeconds(video ? random.Next(180, 2400) : random.Next(20, 180));
            var roll = random.NextDouble();
            var status = roll < 0.90 ? "completed" : roll < 0.97 ? "failed" : "cancelled";
            if (status != "completed")
            {
                run = run * random.NextDouble();
            }

            var submitter = random.NextDouble() < 0.15 ? (int?)null : Pick(_submitterWeights, random);
            yield return new Job(id, video, Pick(_instanceWeights, random), Pick(_workflowWeights, random), submitter, status,
                created, created + wait, created + wait + run);
        }
    }

    /// <summary>The share of jobs each rank gets (for the report: how rare a filter's value is).</summary>
    public double InstanceShare(int rank) => _instanceWeights[rank] - (rank == 0 ? 0 : _instanceWeights[rank - 1]);

    public double WorkflowShare(int rank) => _workflowWeights[rank] - (rank == 0 ? 0 : _workflowWeights[rank - 1]);

    public double SubmitterShare(int rank) => 0.85 * (_submitterWeights[rank] - (rank == 0 ? 0 : _submitterWeights[rank - 1]));

    /// <summary>Cumulative weights of a Zipf distribution over <paramref name="n"/> ranks.</summary>
    private static double[] Zipf(int n, double s)
    {
        var weights = Enumerable.Range(1, n).Select(k => 1 / Math.Pow(k, s)).ToArray();
        var total = weights.Sum();
        var cumulative = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += weights[i] / total;
            cumulative[i] = sum;
        }

        cumulative[^1] = 1;
        return cumulative;
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }
}
