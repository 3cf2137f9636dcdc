using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// The configured database with Identity's account store on it, for the <c>users</c> commands: the dashboard's
/// configuration (appsettings, environment, <c>--Key=value</c>), its database and its password and lockout rules.
/// </summary>
internal static class UsersDatabase
{
    /// <summary>
    /// Builds the services, brings the schema up to date as start-up would (SQLite: creates the file or adds the
    /// account tables; PostgreSQL: migrates only when <c>AnimeProgress:Database:MigrateOnStart</c> allows it), then
    /// runs <paramref name="use"/> in a scope. Throws <see cref="OptionsValidationException"/> naming a bad setting's key.
    /// </summary>
    public static async Task<T> UseAsync<T>(IReadOnlyList<string> configuration, Func<IServiceProvider, string, Task<T>> use, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. configuration] });
        // EF Core logs every command at Information; the command prints what matters itself.
        builder.Logging.ClearProviders();
        builder.AddAnimeProgressDatabase();
        builder.Services.AddAccountStore(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System);
        await using var app = builder.Build();
        // Reading the options runs their validation: a bad setting fails here with a message naming its key.
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<AccountOptions>>().Value;

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnimeProgressDbContext>();
        await DatabaseInitializer.InitializeAsync(db, database.MigrateOnStart, cancellationToken);
        return await use(scope.ServiceProvider, JobsDatabase.Describe(db));
    }
}
