using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// Workflows whose percent grows with time: a renderer that reports tiles or frames evenly,
/// every node weighted by its time. The run length varies under one workflow key (resolution,
/// frame count), so history says little that the job's own pace does not; video jobs report
/// every few seconds, so percent moves in lumps.
/// </summary>
internal static class TimedWorkflows
{
    /// <summary>A job of one of four workflows (two image, two video): its kind, key and nodes.</summary>
    public static (JobKind Kind, string Key, List<Phase> Phases) Pick(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
            {
                var resolution = SimFleet.LogNormal(random, 0.25);
                return (JobKind.Image, "tile-render-img", Timed(0.4, 24 * 0.6 * resolution, 24, 0.3));
            }

            case 1:
            {
                var resolution = SimFleet.LogNormal(random, 0.2);
                return (JobKind.Image, "upscale-pass-img", Timed(0.8, 10 * 2.5 * resolution, 10, 0.2));
            }

            case 2:
            {
                var frames = 48 + 8 * random.Next(15);
                return (JobKind.Video, "frame-render-vid", Timed(1.0, frames * 0.75 * SimFleet.LogNormal(random, 0.1), frames / 8, 0.5));
            }

            default:
            {
                var frames = random.GetItems([49, 81, 121], 1)[0];
                return (JobKind.Video, "step-video-vid", Timed(2.0, 25 * (2 + 0.06 * frames), 25, 1.0));
            }
        }
    }

    // Each node's weight is its time: percent is time.
    private static List<Phase> Timed(double loading, double rendering, int updates, double saving) =>
    [
        new("Loader", Stage.Initializing, loading, loading, OnGpu: false),
        new("Render", Stage.Rendering, rendering, rendering, updates),
        new("Save", Stage.Finalizing, saving, saving),
    ];
}
