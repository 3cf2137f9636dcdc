using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>What another program (psql, the studio's API) runs against the test database.</summary>
internal static class Sql
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>A job row's status, or null when the row is missing or the server is down (for polling).</summary>
    public static string? StatusOf(string connectionString, long id)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"SELECT status FROM anime_api.production_jobs WHERE id = {id}", connection);
            return command.ExecuteScalar() as string;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}
