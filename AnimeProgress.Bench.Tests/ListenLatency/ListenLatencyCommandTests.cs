using System.Globalization;
using System.Text.RegularExpressions;
using AnimeProgress.Bench.ListenLatency;
using AnimeProgress.TestSupport.Postgres;
using Npgsql;

namespace AnimeProgress.Bench.Tests.ListenLatency;

/// <summary>
/// The <c>listen</c> benchmark in a tiny configuration against the fixture's server: every write arrives and the
/// report has its fields. No timing is asserted (the numbers belong in docs/benchmarks.md, not in a test).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ListenLatencyCommandTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"^writes: (\d+) \((\d+) inserts, (\d+) updates, (\d+) completions\)", RegexOptions.Multiline)]
    private static partial Regex WritesLine();

    [GeneratedRegex(@"^delivered: (\d+)/(\d+) .*; lost: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex DeliveredLine();

    [GeneratedRegex(@"^latency commit → /ws progress_update, ms: p50 [\d.]+, p90 [\d.]+, p99 [\d.]+, max [\d.]+ \((\d+)\)$", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [Fact]
    public async Task A_short_run_against_the_fixture_delivers_every_write_and_reports_the_percentiles()
    {
        var db = await postgres.CreateDatabaseAsync("ap_listen_bench", Ct);
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        var code = await new ListenLatencyCommand().RunAsync(
            ["--connection", db, "--seconds", "3", "--warmup", "1", "--rate", "20", "--rows", "3"], output, Ct);

        var report = output.ToString();
        Assert.True(code == 0, report);
        var writes = WritesLine().Match(report);
        Assert.True(writes.Success, report);
        // 3 s at 20/s; 3 rows of 21 writes each (insert, 19 updates, completion) turn over once in 80 writes.
        Assert.Equal(60, int.Parse(writes.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(int.Parse(writes.Groups[2].Value, CultureInfo.InvariantCulture) > 0, report);
        Assert.True(int.Parse(writes.Groups[4].Value, CultureInfo.InvariantCulture) > 0, report);
        var delivered = DeliveredLine().Match(report);
        Assert.True(delivered.Success, report);
        Assert.Equal("60", delivered.Groups[1].Value);
        Assert.Equal("60", delivered.Groups[2].Value);
        Assert.Equal("0", delivered.Groups[3].Value);
        var latency = LatencyLine().Match(report);
        Assert.True(latency.Success, report);
        Assert.Equal("60", latency.Groups[1].Value);
        Assert.Contains("over 250 ms: ", report, StringComparison.Ordinal);
        Assert.Contains("commit → NOTIFY at a second LISTEN connection (PostgreSQL), ms: p50 ", report, StringComparison.Ordinal);
        Assert.Contains("NOTIFY → /ws frame (the app: read the row, publish, send), ms: p50 ", report, StringComparison.Ordinal);
        Assert.Contains("CPU, % of one core: app ", report, StringComparison.Ordinal);

        // Someone else's database (--connection): the run's rows are removed again.
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM anime_api.production_jobs", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync(Ct))!);
    }

    [Theory]
    [InlineData("--rate", "0")]
    [InlineData("--burst", "1")]
    [InlineData("--seconds")]
    [InlineData("--colour", "blue")]
    public async Task Bad_options_are_refused_with_the_usage(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        var code = await new ListenLatencyCommand().RunAsync(args, output, Ct);

        Assert.Equal(2, code);
        Assert.Contains("usage: listen ", output.ToString(), StringComparison.Ordinal);
    }
}
