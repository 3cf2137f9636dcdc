using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// For <c>dotnet ef migrations add</c>: the PostgreSQL model in the default schema. The migrations are
/// PostgreSQL-only (SQLite uses EnsureCreated), so the tool never needs the app's configuration; the
/// connection string is a placeholder that is never opened.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AnimeProgressDbContext>
{
    public AnimeProgressDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AnimeProgressDbContext>();
        PostgresModel.UseSchema(options, "Host=127.0.0.1;Port=1;Username=design-time;Database=design-time", DatabaseOptions.DefaultSchema);
        return new AnimeProgressDbContext(options.Options);
    }
}
