using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>Connection strings for <see cref="DedicatedConnection{TConnection}"/> sessions on PostgreSQL.</summary>
public static class DedicatedConnectionString
{
    /// <summary>
    /// Unpooled (the session owns its server process), named so operators find it in <c>pg_stat_activity</c>;
    /// <paramref name="keepAliveSeconds"/> makes the client notice a half-open connection without waiting for the OS.
    /// </summary>
    public static string For(string? connectionString, string applicationName, int keepAliveSeconds = 0)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = applicationName };
        if (keepAliveSeconds > 0)
        {
            builder.KeepAlive = keepAliveSeconds;
        }

        return builder.ConnectionString;
    }
}
