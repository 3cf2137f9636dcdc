namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Simulated sizes and cost factors shared by the node families.</summary>
internal static class Footprint
{
    public const long MiB = 1024L * 1024;
    public const long GiB = 1024L * MiB;

    public static long Gib(double gib) => (long)(gib * GiB);

    /// <summary>
    /// How much longer a step takes with more frames in the latent: 1 for a single image,
    /// about 4 for 120 video frames (so a video sampler step is ~1 s against ~0.25 s for an image).
    /// </summary>
    public static double FrameFactor(int frames) => 1 + (Math.Max(frames, 1) - 1) * 0.025;

    /// <summary>Megapixels, floored so tiny test images still cost something.</summary>
    public static double Megapixels(long pixels) => Math.Max(0.25, pixels / (1024.0 * 1024.0));
}
