using System.Diagnostics;

namespace AnimeProgress.IntegrationTests.Support;

/// <summary>The built app as its own process, the way an operator starts it; for start-up behaviour.</summary>
internal static class AppProcess
{
    /// <summary>Starts the app with these environment variables and waits (bounded) for it to exit.</summary>
    /// <returns>The exit code and everything it wrote to stdout and stderr.</returns>
    public static Task<(int ExitCode, string Output)> RunUntilExitAsync(IDictionary<string, string> environment, CancellationToken cancellationToken) =>
        RunUntilExitAsync(environment, null, cancellationToken);

    /// <summary>The same with these command-line arguments (e.g. <c>migrate</c>); null: the dashboard on a free port.</summary>
    /// <param name="standardInput">Written to the process's redirected standard input, which is then closed; null: none.</param>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        IDictionary<string, string> environment, IReadOnlyList<string>? arguments, CancellationToken cancellationToken, string? standardInput = null)
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-process-").FullName;
        var start = StartInfo(arguments ?? ["--urls", "http://127.0.0.1:0"], environment, data);
        start.RedirectStandardInput = standardInput is not null;

        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var text = await output + await errors;
        Directory.Delete(data, recursive: true);
        return (process.ExitCode, text);
    }

    /// <summary>The built app as a production process: its own data folder, these arguments and environment variables.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> arguments, IDictionary<string, string> environment, string dataDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AnimeProgress.Web.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["AnimeProgress__Database__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
