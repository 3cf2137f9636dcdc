namespace AnimeProgress.Bench.FleetQueue;

internal enum FleetJobKind
{
    Image,
    Video,
    Upscale,
}

/// <summary>One job of the set: its number, what it is, how long it runs on a GPU (seconds at time scale 1) and its burst.</summary>
internal sealed record FleetJob(int Index, FleetJobKind Kind, double Seconds, int Burst)
{
    public const string UpscaleModel = "4x-UltraSharp.pth";

    /// <summary>Minimum GPU memory in GB, as the issue gives it.</summary>
    public double VramGb => Kind switch
    {
        FleetJobKind.Image => 8,
        FleetJobKind.Video => 20,
        _ => 0,
    };

    public IReadOnlyList<string> Labels => Kind == FleetJobKind.Video ? ["video"] : [];

    public IReadOnlyList<string> Models => Kind == FleetJobKind.Upscale ? [UpscaleModel] : [];

    /// <summary>Whether <paramref name="instance"/> can take it: the same rule the dispatcher applies (memory, labels, models).</summary>
    public bool Fits(FleetInstance instance) =>
        instance.VramGb + 0.05 >= VramGb
        && Labels.All(l => instance.Labels.Contains(l, StringComparer.Ordinal))
        && Models.All(m => instance.Models.Contains(m, StringComparer.Ordinal));
}

/// <summary>One emulated ComfyUI of the fleet: its name, GPU memory, operator labels and whether it has the upscale model.</summary>
internal sealed record FleetInstance(string Name, double VramGb, IReadOnlyList<string> Labels, IReadOnlyList<string> Models);

/// <summary>
/// The job set, drawn from a fixed seed so that anyone re-runs the same 500 jobs: 60 % images of 10–40 s needing
/// 8 GB, 30 % videos of 2–10 min needing 20 GB and the label <c>video</c>, 10 % upscales of 20–60 s needing
/// <c>4x-UltraSharp.pth</c>, in bursts of 50 every 30 s; and the fleet they run on.
/// </summary>
internal static class FleetJobSet
{
    public const int Seed = 16;
    public const int Jobs = 500;
    public const int BurstSize = 50;
    public const double BurstIntervalSeconds = 30;

    /// <summary>Two 24 GB instances labelled <c>video</c>, two 12 GB ones; only gpu-3 lists the upscale model.</summary>
    public static IReadOnlyList<FleetInstance> Fleet { get; } =
    [
        new("gpu-1", 24, ["video"], []),
        new("gpu-2", 24, ["video"], []),
        new("gpu-3", 12, [], [FleetJob.UpscaleModel]),
        new("gpu-4", 12, [], []),
    ];

    public static IReadOnlyList<FleetJob> Draw(int seed = Seed, int jobs = Jobs)
    {
        var random = new Random(seed);
        var videos = (int)Math.Round(jobs * 0.3);
        var upscales = (int)Math.Round(jobs * 0.1);
        var kinds = Enumerable.Repeat(FleetJobKind.Video, videos)
            .Concat(Enumerable.Repeat(FleetJobKind.Upscale, upscales))
            .Concat(Enumerable.Repeat(FleetJobKind.Image, jobs - videos - upscales))
            .ToArray();
        random.Shuffle(kinds);
        return
        [
            .. kinds.Select((kind, i) =>
            {
                var (min, max) = kind switch
                {
                    FleetJobKind.Image => (10.0, 40.0),
                    FleetJobKind.Video => (120.0, 600.0),
                    _ => (20.0, 60.0),
                };
                var seconds = Math.Round(min + (random.NextDouble() * (max - min)), 1);
                return new FleetJob(i, kind, seconds, i / BurstSize);
            }),
        ];
    }
}
