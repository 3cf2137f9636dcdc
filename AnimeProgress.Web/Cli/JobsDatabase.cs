using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AnimeProgress.Web.Cli;

/// <summary>The configured database alone, for the commands that only read or delete rows (<c>check</c>, <c>reset</c>).</summary>
internal static class JobsDatabase
{
    /// <summary>
    /// The dashboard's configuration (appsettings, environment, <paramref name="configuration"/> arguments) and its
    /// database registration. Throws <see cref="OptionsValidationException"/> for a bad setting, naming the key.
    /// </summary>
    public static async Task<T> UseAsync<T>(IReadOnlyList<string> configuration, Func<IDbContextFactory<AnimeProgressDbContext>, Task<T>> use)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. configuration] });
        // EF Core logs every command at Information; the command prints what matters itself.
        builder.Logging.ClearProviders();
        builder.AddAnimeProgressDatabase();
        await using var app = builder.Build();
        _ = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        return await use(app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>());
    }

    /// <summary>Which database this is, for the operator, without credentials.</summary>
    public static string Describe(AnimeProgressDbContext db)
    {
        var connectionString = db.Database.GetConnectionString() ?? "";
        try
        {
            if (db.Database.IsNpgsql())
            {
                var postgres = new NpgsqlConnectionStringBuilder(connectionString);
                return $"PostgreSQL {postgres.Host}:{postgres.Port}/{postgres.Database}, schema {db.Schema}";
            }

            return $"SQLite {new SqliteConnectionStringBuilder(connectionString).DataSource}";
        }
        catch (ArgumentException)
        {
            return "the configured database";
        }
    }

    /// <summary>The message of a database failure, with the provider's inner reason when it has one.</summary>
    public static string Reason(Exception ex) =>
        ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{ex.Message} ({inner.Message})"
            : ex.Message;
}
