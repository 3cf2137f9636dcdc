using AnimeProgress.Core.Persistence;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// How the account commands (<c>users</c>, <c>keys</c>) answer what goes wrong, the same way for both: a usage error
/// prints the usage (exit 2), an interruption changes nothing (130), a bad setting or a database that fails is one
/// sentence (1).
/// </summary>
internal static class AccountCommandErrors
{
    public static async Task<int> RunAsync(string tool, string command, string usage, TextWriter error, Func<Task<int>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run();
        }
        catch (JobsUsageException ex)
        {
            await error.WriteLineAsync($"{tool}: {ex.Message}.");
            await error.WriteLineAsync();
            await error.WriteLineAsync(usage);
            return JobsCommand.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{tool} {command}: interrupted; nothing was changed.".AsMemory(), CancellationToken.None);
            return 130;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"{tool} {command}: bad configuration: " + string.Join(" ", ex.Failures));
            return 1;
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            await error.WriteLineAsync($"{tool} {command}: the database failed: {JobsDatabase.Reason(ex)}");
            return 1;
        }
    }
}
