namespace AnimeProgress.Web.Cli;

/// <summary><c>jobs simulate|check|reset</c>: the seed's test tools against the configured database.</summary>
public static class JobsCommand
{
    public const string Name = "jobs";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        _ = args;
        _ = output;
        await error.WriteLineAsync("jobs: not built yet".AsMemory(), cancellationToken);
        return 2;
    }
}
