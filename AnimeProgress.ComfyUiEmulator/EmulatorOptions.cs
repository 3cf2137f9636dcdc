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

    /// <summary>
    /// Size in bytes of every generated output file that <c>GET /view</c> serves (a valid PNG padded with an ancillary
    /// chunk), for throughput benchmarks. 0 (the default) serves each file's small natural PNG (about 12 KiB).
    /// </summary>
    public long ViewImageBytes { get; set; }

    /// <summary>ComfyUI's <c>--max-upload-size</c> in bytes: larger uploads get aiohttp's 413; also reported as <c>max_upload_size</c> by /features.</summary>
    public long MaxUploadSizeBytes { get; set; } = DefaultMaxUploadSizeBytes;

    /// <summary>Bound on the bytes all uploads together may keep in the emulator's temporary directory (deleted on dispose).</summary>
    public long UploadStoreLimitBytes { get; set; } = 1L << 30;

    /// <summary>The ComfyUI generation to answer as; 0.3.64 by default (command line <c>--server-version 0.3.64|newer</c>).</summary>
    public ComfyUiServerVersion ServerVersion { get; set; } = ComfyUiServerVersion.Release0364;

    /// <summary>
    /// Adds the proposed <c>progress_state.nodes[*].activity</c> field ("loading" while a loader runs, "running"
    /// otherwise). Off by default because no released ComfyUI sends it (reference §9).
    /// </summary>
    public bool ProgressActivity { get; set; }

    public const long DefaultMaxUploadSizeBytes = 100L * 1024 * 1024;
}
