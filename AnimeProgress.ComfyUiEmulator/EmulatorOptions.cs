namespace AnimeProgress.ComfyUiEmulator;

/// <summary>How an emulated ComfyUI server listens and how fast its simulated work runs.</summary>
public sealed class EmulatorOptions
{
    /// <summary>An IP address, "localhost", or "*"/"0.0.0.0" for every interface.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="ComfyUiEmulatorServer.Port"/>).</summary>
    public int Port { get; set; } = 8188;

    /// <summary>Multiplies every simulated duration: 1.0 is roughly a real GPU, tests use 0.02–0.1, 0 runs without delays.</summary>
    public double TimeScale { get; set; } = 1.0;

    public string DeviceName { get; set; } = "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync";

    public long VramTotalBytes { get; set; } = 24L * 1024 * 1024 * 1024;

    /// <summary>
    /// Model files this machine does not have: <c>/object_info</c> leaves them out of its loaders' lists, as ComfyUI lists
    /// only the files in its model folders. Empty: every made-up model file is listed.
    /// </summary>
    public IReadOnlyList<string> AbsentModels { get; set; } = [];
}
