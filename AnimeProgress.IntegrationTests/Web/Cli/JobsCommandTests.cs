using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.IntegrationTests.Web.Cli;

/// <summary>The jobs commands, run in-process as the command line runs them, against a real SQLite file.</summary>
public sealed class JobsCommandTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-cli-{Guid.NewGuid():N}.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Database => $"--ConnectionStrings:AnimeProduction=Data Source={_file}";

    internal static async Task<(int Code, string Output, string Error)> Jobs(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await JobsCommand.RunAsync(args, output, error, Ct);
        return (code, output.ToString(), error.ToString());
    }

    private List<ProductionJobRow> Rows()
    {
        using var db = new AnimeProgressDbContext(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options);
        return [.. db.ProductionJobs.AsNoTracking().OrderBy(j => j.Id)];
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task Simulate_drives_test_jobs_through_the_emulators_check_lists_them_and_reset_deletes_only_them()
    {
        var first = await Jobs("simulate", "--count", "3", "--failures", "1", "--time-scale", "0.05", "--timeout", "120", Database);

        Assert.True(first.Code == 0, first.Output + first.Error);
        var rows = Rows();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.StartsWith(TestJobs.TitlePrefix, r.Title, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.True(r.Id > JobsSimulate.IdGap));
        Assert.All(rows, r => Assert.StartsWith(JobsSimulate.InstanceName + "-", r.ComfyUiInstance, StringComparison.Ordinal));
        Assert.Equal(["completed", "completed", "failed"], rows.Select(r => r.Status).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => r.Status == "completed"), r => Assert.Equal(("Completed", 100.0), (r.CurrentStage, r.Progress)));
        var failed = rows.Single(r => r.Status == "failed");
        Assert.Equal("Failed", failed.CurrentStage);
        Assert.Contains("Simulated failure", failed.Error, StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Kind == "video" && r.EstimatedTotalFrames == 48 && r.FramesComplete == 48);
        // The live path wrote each job's stages as it went: a line per change on the output, history rows in the table.
        Assert.All(rows.Where(r => r.Status == "completed"), r => Assert.Contains($"#{r.Id} completed  Completed", first.Output, StringComparison.Ordinal));
        Assert.Contains($"#{failed.Id} failed     Failed", first.Output, StringComparison.Ordinal);
        Assert.Contains(" processing ", first.Output, StringComparison.Ordinal);
        Assert.Contains("3 test jobs in", first.Output, StringComparison.Ordinal);
        Assert.Equal(3L, (long)Scalar("SELECT count(DISTINCT job_id) FROM progress_history")!);
        Assert.True((long)Scalar("SELECT count(DISTINCT stage) FROM progress_history")! >= 3);

        // Rows that are not test jobs: one a live dashboard is running (its own source), one whose title only looks like a test job's.
        Scalar($"""
            INSERT INTO production_jobs (id, title, kind, status, current_stage, progress, frames_estimated, stalled, source, comfyui_instance, created_at, updated_at)
            VALUES (7, 'Ep 01 · Cut 007', 'video', 'processing', 'Rendering', 42.5, 0, 0, 'animeprogress', 'gpu-1', 0, 0),
                   (8, '[TEST] upper case is not ours', 'image', 'completed', 'Completed', 100, 0, 0, 'animeprogress', 'gpu-1', 0, 0);
            INSERT INTO progress_history (job_id, recorded_at, progress, stage) VALUES (7, 0, 40, 'Rendering');
            """);

        // A second run leaves them alone: its store neither restores nor writes back jobs that are not test jobs
        // (a running job it restored would be written back with a new updated_at every second).
        // Job 7's sample is dated 1970: with the history's retention on, this run's leader would delete it as older
        // than AnimeProgress:History:KeepFor (that is checked in HistoryAtScaleTests), not what this test is about.
        var second = await Jobs("simulate", "--count", "2", "--failures", "0", "--time-scale", "0.05", "--AnimeProgress:History:KeepFor=00:00:00", Database);
        Assert.True(second.Code == 0, second.Output + second.Error);
        Assert.Equal(("processing", 42.5, 0L), ((string)Scalar("SELECT status FROM production_jobs WHERE id = 7")!,
            (double)Scalar("SELECT progress FROM production_jobs WHERE id = 7")!, (long)Scalar("SELECT updated_at FROM production_jobs WHERE id = 7")!));
        Assert.Equal(7, Rows().Count);

        var check = await Jobs("check", Database);
        Assert.Equal(0, check.Code);
        var lines = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("SQLite " + _file, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("ID", lines[1].TrimStart(), StringComparison.Ordinal);
        // Active first, then the most recently finished; every row under the header's columns.
        Assert.StartsWith("7  Ep 01 · Cut 007", lines[2].TrimStart(), StringComparison.Ordinal);
        Assert.Contains("processing  Rendering", lines[2], StringComparison.Ordinal);
        Assert.Equal(lines[1].IndexOf("STATUS", StringComparison.Ordinal), lines[2].IndexOf("processing", StringComparison.Ordinal));
        Assert.Equal(lines[1].IndexOf("INSTANCE", StringComparison.Ordinal), lines[2].IndexOf("gpu-1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(failed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            && l.Contains("failed", StringComparison.Ordinal) && l.Contains("Simulated failure", StringComparison.Ordinal));
        Assert.StartsWith("1 active, 6 finished shown; 7 jobs in the table", lines[^1], StringComparison.Ordinal);

        var limited = await Jobs("check", "--test", "--limit", "2", Database);
        Assert.Equal(0, limited.Code);
        Assert.DoesNotContain("Cut 007", limited.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[TEST]", limited.Output, StringComparison.Ordinal);
        Assert.Contains("0 active, 2 finished shown; 5 jobs in the table (--all lists every job).", limited.Output, StringComparison.Ordinal);

        var reset = await Jobs("reset", Database);
        Assert.Equal(0, reset.Code);
        Assert.Contains("Deleted 5 test jobs", reset.Output, StringComparison.Ordinal);
        Assert.Equal([7L, 8L], Rows().Select(r => r.Id));
        Assert.Equal(1L, (long)Scalar("SELECT count(*) FROM progress_history")!);
        Assert.Equal(7L, (long)Scalar("SELECT job_id FROM progress_history")!);

        var again = await Jobs("reset", Database);
        Assert.Equal(0, again.Code);
        Assert.Contains("nothing deleted", again.Output, StringComparison.Ordinal);
        Assert.Contains("No jobs.", (await Jobs("check", "--test", Database)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_shows_bad_values_as_stored_and_marked()
    {
        await using (var db = new AnimeProgressDbContext(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options))
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        Scalar("""
            INSERT INTO production_jobs (id, title, kind, status, current_stage, progress, frames_complete, estimated_total_frames, frames_estimated, stalled, eta_seconds, created_at, updated_at)
            VALUES (3, 'two
            lines', 'gif', 'exploded', 'Baking', 250, -3, 0, 0, 0, -5, 0, 0);
            """);

        var check = await Jobs("check", "--all", Database);

        Assert.Equal(0, check.Code);
        var row = check.Output.Split('\n')[2];
        Assert.Contains("two lines", row, StringComparison.Ordinal);
        Assert.Contains("exploded?", row, StringComparison.Ordinal);
        Assert.Contains("Baking?", row, StringComparison.Ordinal);
        Assert.Contains("100.0%", row, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("check", "--bogus")]
    [InlineData("check", "--limit")]
    [InlineData("check", "--all=yes")]
    [InlineData("simulate", "--count", "many")]
    [InlineData("simulate", "--time-scale", "0")]
    [InlineData("reset", "extra")]
    public async Task A_bad_command_line_prints_the_usage_and_exits_2(params string[] args)
    {
        var (code, output, error) = await Jobs(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("Usage: AnimeProgress.Web jobs <command>", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_command_is_a_usage_error_and_help_is_not()
    {
        Assert.Equal(2, (await Jobs()).Code);
        var help = await Jobs("--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("simulate", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_reported_with_exit_1()
    {
        var (code, _, error) = await Jobs("check", "--AnimeProgress:Database:Provider=Postgres",
            "--ConnectionStrings:AnimeProduction=Host=127.0.0.1;Port=9;Database=none;Username=none;Timeout=3");

        Assert.Equal(1, code);
        Assert.Contains("jobs check: cannot read production_jobs in PostgreSQL 127.0.0.1:9/none", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_is_reported_with_its_key()
    {
        var (code, _, error) = await Jobs("reset", "--AnimeProgress:Database:Provider=Postgres");

        Assert.Equal(1, code);
        Assert.Contains("ConnectionStrings:AnimeProduction is required", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
