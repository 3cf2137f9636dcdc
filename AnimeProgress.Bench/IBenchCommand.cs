namespace AnimeProgress.Bench;

/// <summary>One benchmark command: <c>dotnet run --project AnimeProgress.Bench -- &lt;name&gt; [options]</c>.</summary>
internal interface IBenchCommand
{
    string Name { get; }

    string Usage { get; }

    /// <returns>The process exit code: 0 done, 2 bad arguments.</returns>
    Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken);
}
