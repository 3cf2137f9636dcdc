using AnimeProgress.TestSupport.Postgres;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Core.Persistence.Postgres;

/// <summary>The fixture's server can be restarted (for "reconnect after a database restart" tests), keeping port and data.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRestartTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM restart_probe", connection);
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task The_server_restarts_on_the_same_port_with_the_same_data()
    {
        Assert.SkipUnless(postgres.CanRestart, $"{PostgresFixture.EnvironmentVariable} names an external server, which the tests must not restart.");
        var db = await postgres.CreateDatabaseAsync("ap_restart", Ct);
        // Unpooled: every open is a new connection, so what is tested is the server, not Npgsql's pool.
        var unpooled = new NpgsqlConnectionStringBuilder(db) { Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(unpooled))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand("CREATE TABLE restart_probe (id int); INSERT INTO restart_probe VALUES (1), (2)", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(2, await CountAsync(unpooled));
        var port = postgres.Cluster.Port;

        await using var held = new NpgsqlConnection(unpooled);
        await held.OpenAsync(Ct);
        await postgres.StopAsync(Ct);
        try
        {
            Assert.False(postgres.Cluster.Running);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => CountAsync(unpooled));
            // A connection open across the stop was terminated by the server.
            await using var onHeld = new NpgsqlCommand("SELECT 1", held);
            await Assert.ThrowsAnyAsync<Exception>(() => onHeld.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await postgres.StartAsync(Ct);
        }

        Assert.True(postgres.Cluster.Running);
        Assert.Equal(port, postgres.Cluster.Port);
        Assert.Equal(2, await CountAsync(unpooled));

        await postgres.RestartAsync(Ct);
        Assert.Equal(2, await CountAsync(unpooled));
    }

    [Fact]
    public async Task An_external_server_refuses_to_be_stopped_or_started()
    {
        // Nothing listens there and nothing is contacted: wrapping an external server connects to nothing.
        await using var external = await ThrowawayPostgres.CreateAsync("Host=127.0.0.1;Port=1;Username=postgres", Ct);

        Assert.True(external.IsExternal);
        Assert.False(external.CanRestart);
        var stop = await Assert.ThrowsAsync<NotSupportedException>(() => external.StopAsync(Ct));
        Assert.Contains(ThrowawayPostgres.EnvironmentVariable, stop.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => external.StartAsync(Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => external.RestartAsync(Ct));
    }
}
