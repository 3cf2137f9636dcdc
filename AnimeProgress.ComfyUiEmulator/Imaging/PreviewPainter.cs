namespace AnimeProgress.ComfyUiEmulator.Imaging;

/// <summary>Small preview images whose colours move with the step, so a viewer can see them change.</summary>
internal static class PreviewPainter
{
    private const int Blocks = 8; // 64×64 px

    public static byte[] Jpeg(int step, int total) =>
        JpegWriter.Encode(Blocks, Blocks, (x, y) => Colour(x, y, step, total));

    public static byte[] Png(int step, int total) =>
        PngWriter.Encode(Blocks * 8, Blocks * 8, (x, y) => Colour(x / 8, y / 8, step, total));

    private static Rgb Colour(int x, int y, int step, int total)
    {
        // Noise fading into a gradient as denoising progresses.
        var t = total <= 0 ? 1.0 : Math.Clamp((double)step / total, 0, 1);
        var noise = (byte)((x * 73 + y * 151 + step * 37) % 256);
        byte Mix(double target) => (byte)Math.Clamp((1 - t) * noise + t * target, 0, 255);
        return new Rgb(Mix(40 + x * 25), Mix(60 + y * 20), Mix(200 - (x + y) * 8));
    }
}
