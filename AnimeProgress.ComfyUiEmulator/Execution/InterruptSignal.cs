namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// ComfyUI's global interrupt flag: set by POST /interrupt, checked when a node starts and at
/// every progress update, cleared when the next prompt starts (so a stray interrupt is forgotten).
/// </summary>
internal sealed class InterruptSignal
{
    private volatile bool _set;

    public void Set() => _set = true;

    public void Clear() => _set = false;

    public void ThrowIfSet()
    {
        if (_set)
        {
            _set = false;
            throw new PromptInterruptedException();
        }
    }
}

internal sealed class PromptInterruptedException : Exception
{
    public PromptInterruptedException()
        : base("Processing interrupted")
    {
    }
}
