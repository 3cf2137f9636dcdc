namespace AnimeProgress.ComfyUiEmulator.Imaging;

internal readonly record struct Rgb(byte R, byte G, byte B);
