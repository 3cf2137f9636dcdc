namespace AnimeProgress.Web.Cli;

/// <summary><c>migrate</c>: brings the configured database's schema up to date, then exits.</summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        _ = args;
        _ = output;
        await error.WriteLineAsync("migrate: not built yet".AsMemory(), cancellationToken);
        return 2;
    }
}
