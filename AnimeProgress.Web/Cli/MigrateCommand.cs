using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>migrate</c>: brings the configured database's schema up to date, then exits (0 on success). It runs what
/// start-up runs (<see cref="DatabaseInitializer"/>), whatever <c>AnimeProgress:Database:MigrateOnStart</c> says,
/// so operators can migrate before starting nodes with MigrateOnStart=false.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            // EF's own command logging would bury the summary; failures still surface as exceptions below.
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddAnimeProgressDatabase();
            await using var app = builder.Build();
            // Reading the options runs their validation: a bad setting fails here with a message naming its key.
            _ = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var contexts = app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var where = db.Database.IsNpgsql() ? $"PostgreSQL schema '{db.Schema}'" : "SQLite";
            var applied = await DatabaseInitializer.InitializeAsync(db, migrate: true, cancellationToken);
            if (applied.Count == 0)
            {
                await output.WriteLineAsync($"{where}: up to date, no migration applied.".AsMemory(), cancellationToken);
            }
            else
            {
                await output.WriteLineAsync($"{where}: applied {applied.Count} migration(s):".AsMemory(), cancellationToken);
                foreach (var id in applied)
                {
                    await output.WriteLineAsync($"  {id}".AsMemory(), cancellationToken);
                }
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("migrate: interrupted".AsMemory(), CancellationToken.None);
            return 130;
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"migrate failed: {Describe(ex)}".AsMemory(), CancellationToken.None);
            return 1;
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        OptionsValidationException v => string.Join(" ", v.Failures),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        _ when ex.InnerException is { } inner && ex is not InvalidOperationException => $"{ex.Message} ({Describe(inner)})",
        _ => ex.Message,
    };
}
