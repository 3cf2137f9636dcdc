namespace AnimeProgress.Core.ComfyUi;

/// <summary>ComfyUI refused a prompt (HTTP 400 with <c>error</c> and <c>node_errors</c>).</summary>
public sealed class ComfyUiRejectedException : Exception
{
    public ComfyUiRejectedException()
    {
    }

    public ComfyUiRejectedException(string message)
        : base(message)
    {
    }

    public ComfyUiRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? ErrorType { get; init; }

    public string? NodeErrorsJson { get; init; }
}
