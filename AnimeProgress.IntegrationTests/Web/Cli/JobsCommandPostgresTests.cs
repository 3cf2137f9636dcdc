using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Cli;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Web.Cli;

/// <summary>The jobs commands against a real PostgreSQL (the studio's store), in the anime_api schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class JobsCommandPostgresTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task Simulate_writes_finished_test_jobs_check_lists_them_and_reset_removes_only_them()
    {
        var database = await postgres.CreateDatabaseAsync("ap_cli", Ct);
        string[] settings = ["--AnimeProgress:Database:Provider=Postgres", $"--ConnectionStrings:AnimeProduction={database}"];

        var simulate = await JobsCommandTests.Jobs(["simulate", "--count", "3", "--failures", "1", "--time-scale", "0.05", "--timeout", "120", .. settings]);

        Assert.True(simulate.Code == 0, simulate.Output + simulate.Error);
        Assert.Contains("into PostgreSQL 127.0.0.1:", simulate.Output, StringComparison.Ordinal);
        Assert.Equal("completed=Completed,completed=Completed,failed=Failed", await ScalarAsync(database,
            "SELECT string_agg(status || '=' || current_stage, ',' ORDER BY status) FROM anime_api.production_jobs WHERE title LIKE '[test] %'"));
        Assert.Equal(3L, await ScalarAsync(database, "SELECT count(DISTINCT job_id) FROM anime_api.progress_history"));

        // Another program's job, with its history.
        await ScalarAsync(database, """
            INSERT INTO anime_api.production_jobs (id, title, kind, status, current_stage, progress, frames_estimated, created_at, updated_at)
            VALUES (5, 'Ep 02 · Cut 014', 'image', 'processing', 'Rendering', 30, false, now(), now());
            INSERT INTO anime_api.progress_history (job_id, recorded_at, progress, stage) VALUES (5, now(), 30, 'Rendering');
            """);

        var check = await JobsCommandTests.Jobs(["check", .. settings]);
        Assert.Equal(0, check.Code);
        Assert.Contains(", schema anime_api", check.Output, StringComparison.Ordinal);
        Assert.Contains("Ep 02 · Cut 014", check.Output, StringComparison.Ordinal);
        Assert.Equal(2, check.Output.Split('\n').Count(l => l.Contains("[test]", StringComparison.Ordinal) && l.Contains("  completed  ", StringComparison.Ordinal)));
        Assert.Contains("1 active, 3 finished shown; 4 jobs in the table.", check.Output, StringComparison.Ordinal);

        var reset = await JobsCommandTests.Jobs(["reset", .. settings]);
        Assert.Equal(0, reset.Code);
        Assert.Contains("Deleted 3 test jobs", reset.Output, StringComparison.Ordinal);
        Assert.Equal("5:processing", await ScalarAsync(database, "SELECT string_agg(id || ':' || status, ',') FROM anime_api.production_jobs"));
        Assert.Equal("5", await ScalarAsync(database, "SELECT string_agg(DISTINCT job_id::text, ',') FROM anime_api.progress_history"));
    }
}
