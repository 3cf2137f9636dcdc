namespace AnimeProgress.ComfyUiEmulator.Simulation;

/// <summary>
/// What flows along a link in the simulation: how many frames (batch or video length), their
/// pixel size, and for SIGMAS the step count. Durations and output counts are derived from it.
/// </summary>
internal sealed record MediaShape(int Frames, int Width, int Height, int Steps = 0)
{
    public static MediaShape Default { get; } = new(1, 512, 512);

    public long Pixels => (long)Width * Height;
}
