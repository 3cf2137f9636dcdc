using AnimeProgress.Core.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>jobs reset</c>: deletes the test jobs (titles starting with <see cref="TestJobs.TitlePrefix"/>) and their
/// <c>progress_history</c> rows, in one transaction, so <c>jobs simulate</c> starts from a clean table. Deleting
/// rather than setting them back to queued: a simulated job cannot run again (its prompt is gone with the emulator),
/// and a queued row nobody runs would sit on every dashboard. Rows without the prefix are never touched.
/// </summary>
internal static class JobsReset
{
    public static async Task<int> RunAsync(IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var description = "the configured database";
        try
        {
            return await JobsDatabase.UseAsync(configuration, async contexts =>
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                description = JobsDatabase.Describe(db);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var statuses = await db.ProductionJobs.Where(TestJobs.IsTestRow).Select(j => j.Status).ToListAsync(cancellationToken);
                var testIds = db.ProductionJobs.Where(TestJobs.IsTestRow).Select(j => j.Id);
                var history = await db.ProgressHistory.Where(h => testIds.Contains(h.JobId)).ExecuteDeleteAsync(cancellationToken);
                var jobs = await db.ProductionJobs.Where(TestJobs.IsTestRow).ExecuteDeleteAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);

                if (jobs == 0)
                {
                    await output.WriteLineAsync($"No test jobs (titles starting with \"{TestJobs.TitlePrefix}\") in {description}; nothing deleted.");
                    return 0;
                }

                await output.WriteLineAsync(
                    $"Deleted {jobs} test job{(jobs == 1 ? "" : "s")} (titles starting with \"{TestJobs.TitlePrefix}\") and {history} progress_history row{(history == 1 ? "" : "s")} from {description}.");
                var active = statuses.Count(s => JobStatusNames.FromWire(s)?.IsActive() == true);
                if (active > 0)
                {
                    await output.WriteLineAsync(
                        $"{active} of them were still queued or running: a jobs simulate or dashboard still following them may write them again.");
                }

                return 0;
            });
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await error.WriteLineAsync("jobs reset: bad configuration: " + string.Join(" ", ex.Failures));
            return 1;
        }
        catch (Exception ex) when (Core.Persistence.DatabaseErrors.IsTransient(ex))
        {
            await error.WriteLineAsync($"jobs reset: cannot delete the test jobs in {description}: {JobsDatabase.Reason(ex)}");
            return 1;
        }
    }
}
