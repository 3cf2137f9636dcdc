using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Eta;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.Core.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting.Registration;

public static class PersistenceRegistration
{
    /// <summary>The store of record: the database, the job store, progress history, the ETA engine's finished runs and, with PostgreSQL, ids and push from the database.</summary>
    public static WebApplicationBuilder AddPersistence(this WebApplicationBuilder builder, AppFeatures features)
    {
        var services = builder.Services;
        builder.AddDatabase();
        services.AddSingleton<JobStore>();
        services.AddValidatedOptions<ProgressHistoryOptions, ProgressHistoryOptionsValidator>(builder.Configuration, ProgressHistoryOptions.Section);
        services.AddSingleton<ProgressHistoryRecorder>();
        services.AddSingleton<ProgressHistoryRetention>();
        services.AddValidatedOptions<EtaRunOptions, EtaRunOptionsValidator>(builder.Configuration, EtaRunOptions.Section);
        services.AddSingleton<EtaRunStore>();
        if (features.Postgres)
        {
            // Ids from the column's sequence (shared with other programs and nodes), and LISTEN for other writers' rows.
            services.AddSingleton<IJobIdSource, PostgresJobIds>();
            services.AddSingleton<PostgresJobListener>();
        }

        return builder;
    }

    /// <summary>The database alone (options, validation, context factory): what the dashboard and the CLI commands share.</summary>
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(configuration, DatabaseOptions.Section);
        var connectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        var usePostgres = AppFeatures.UsesPostgres(configuration);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddDbContextFactory<AnimeProgressDbContext>((sp, options) =>
        {
            if (usePostgres)
            {
                // Every table in AnimeProgress:Database:Schema (default anime_api).
                var schema = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Schema;
                PostgresModel.UseSchema(options, connectionString, schema);
                return;
            }

            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var sqlite = connectionString;
            if (string.IsNullOrWhiteSpace(sqlite))
            {
                var folder = Path.GetFullPath(database.DataDirectory, contentRoot);
                Directory.CreateDirectory(folder);
                sqlite = $"Data Source={Path.Combine(folder, "animeprogress.db")}";
            }

            options.UseSqlite(sqlite);
        });
        return builder;
    }
}
