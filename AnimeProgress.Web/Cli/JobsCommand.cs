namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>jobs simulate|check|reset</c>: the seed's test tools against the configured database (appsettings, environment
/// variables and <c>--Key=value</c> arguments, as for the dashboard).
/// </summary>
public static class JobsCommand
{
    public const string Name = "jobs";

    /// <summary>Exit codes: 0 done, 1 failed (a clear message on the error output), 2 usage, 130 interrupted (Ctrl+C).</summary>
    public const int Usage = 2;

    private static readonly string[] NoOptions = [];
    private static readonly string[] SimulateOptions = ["count", "instances", "failures", "time-scale", "timeout"];
    private static readonly string[] CheckFlags = ["all", "test"];
    private static readonly string[] CheckOptions = ["limit"];

    public static readonly string UsageText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""
        Usage: AnimeProgress.Web jobs <command> [options] [--Key=value ...]

        Commands:
          simulate   submit test jobs to emulated ComfyUI machines and follow them until they finish
                       --count N        test jobs to submit (default {{JobsSimulate.DefaultCount}}: images, upscaled key art and videos in turn)
                       --failures N     how many of them are told to fail (default count / 5)
                       --instances N    emulated ComfyUI machines (default {{JobsSimulate.DefaultInstances}})
                       --time-scale X   emulator speed, 1 = realistic GPU timings (default {{JobsSimulate.DefaultTimeScale}})
                       --timeout S      give up after S seconds (default {{JobsSimulate.DefaultTimeoutSeconds}})
          check      list every active job and the most recently finished ones
                       --limit N        finished jobs to list (default {{JobsCheck.DefaultLimit}})
                       --all            list every job in the table
                       --test           only test jobs
          reset      delete the test jobs and their progress history (nothing else)

        Test jobs are the jobs whose title starts with "{{TestJobs.TitlePrefix}}".
        The database is the dashboard's: appsettings.json, environment variables and --Key=value arguments, e.g.
          --AnimeProgress:Database:Provider=Postgres --ConnectionStrings:AnimeProduction="Host=...;Database=..."
        Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted.
        """);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["help" or "--help" or "-h", ..])
        {
            await output.WriteLineAsync(UsageText);
            return 0;
        }

        try
        {
            return args switch
            {
                ["simulate", .. var rest] => await SimulateAsync(JobsArguments.Parse(rest, NoOptions, SimulateOptions), output, error, cancellationToken),
                ["check", .. var rest] => await CheckAsync(JobsArguments.Parse(rest, CheckFlags, CheckOptions), output, error, cancellationToken),
                ["reset", .. var rest] => await JobsReset.RunAsync(JobsArguments.Parse(rest, NoOptions, NoOptions).Configuration, output, error, cancellationToken),
                [] => throw new JobsUsageException("a command is needed"),
                [var other, ..] => throw new JobsUsageException($"unknown command '{other}'"),
            };
        }
        catch (JobsUsageException ex)
        {
            await error.WriteLineAsync($"jobs: {ex.Message}.");
            await error.WriteLineAsync();
            await error.WriteLineAsync(UsageText);
            return Usage;
        }
    }

    private static Task<int> SimulateAsync(JobsArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var count = args.Int("count", JobsSimulate.DefaultCount, 1, 500);
        var settings = new JobsSimulate.Settings(
            count,
            args.Int("instances", JobsSimulate.DefaultInstances, 1, 8),
            args.Int("failures", count / 5, 0, count),
            args.Double("time-scale", JobsSimulate.DefaultTimeScale, 0, 100),
            TimeSpan.FromSeconds(args.Int("timeout", JobsSimulate.DefaultTimeoutSeconds, 1, 86_400)));
        return JobsSimulate.RunAsync(settings, args.Configuration, output, error, cancellationToken);
    }

    private static Task<int> CheckAsync(JobsArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var settings = new JobsCheck.Settings(args.Has("all"), args.Int("limit", JobsCheck.DefaultLimit, 0, 100_000), args.Has("test"));
        return JobsCheck.RunAsync(settings, args.Configuration, output, error, cancellationToken);
    }
}
