namespace AnimeProgress.ComfyUiEmulator.Devices;

/// <summary>
/// Simulated GPU memory: models loaded by the running job plus the working memory of the node
/// that is running. Everything is released when the job ends, so free VRAM recovers.
/// </summary>
internal sealed class VramMeter(long totalBytes)
{
    /// <summary>CUDA context and PyTorch's own reserve, held even when idle.</summary>
    private const long BaselineBytes = 600L * 1024 * 1024;

    private const long MinimumFreeBytes = 256L * 1024 * 1024;
    private readonly Lock _gate = new();
    private long _models;
    private long _working;

    public long TotalBytes => totalBytes;

    public void BeginJob(long cachedModelBytes)
    {
        lock (_gate)
        {
            _models = cachedModelBytes;
            _working = 0;
        }
    }

    public void LoadModel(long bytes)
    {
        lock (_gate)
        {
            _models += bytes;
        }
    }

    public void SetWorking(long bytes)
    {
        lock (_gate)
        {
            _working = bytes;
        }
    }

    public void EndJob()
    {
        lock (_gate)
        {
            _models = 0;
            _working = 0;
        }
    }

    /// <summary>(free, torch reserved, torch free inside the reserve).</summary>
    public (long Free, long TorchTotal, long TorchFree) Read()
    {
        lock (_gate)
        {
            var used = Math.Min(BaselineBytes + _models + _working, totalBytes - MinimumFreeBytes);
            var reserved = Math.Max(0, used - BaselineBytes / 2);
            // The allocator keeps a little slack inside what it reserved.
            var torchFree = _working > 0 ? reserved / 20 : reserved / 50;
            return (totalBytes - used, reserved, torchFree);
        }
    }
}
