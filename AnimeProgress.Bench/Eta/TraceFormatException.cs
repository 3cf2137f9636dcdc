namespace AnimeProgress.Bench.Eta;

/// <summary>A trace line that cannot be read; the message names the file and the line.</summary>
internal sealed class TraceFormatException : Exception
{
    public TraceFormatException()
    {
    }

    public TraceFormatException(string message)
        : base(message)
    {
    }

    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TraceFormatException(string file, int line, string problem, Exception? innerException = null)
        : base($"{file}:{line}: {problem}", innerException)
    {
        File = file;
        Line = line;
    }

    public string? File { get; }

    public int Line { get; }
}
