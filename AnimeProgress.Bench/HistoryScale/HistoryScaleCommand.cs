using System.Diagnostics;
using System.Globalization;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AnimeProgress.Bench.HistoryScale;

/// <summary>
/// <c>history-scale</c> (issue 15 item 5): a year of a studio's finished jobs (a million by default) in PostgreSQL, then
/// the history page's queries and GET /api/jobs' query, each filter by itself, timed through the app's own read model
/// (<see cref="JobQueries"/>, <see cref="JobStatistics"/>) twice in one run: <b>before</b>, without the job lists'
/// indexes (<see cref="JobListIndexes"/>: the schema as it was), and <b>after</b> creating them. Deep pages are timed by
/// OFFSET and by keyset, the instance list by DISTINCT and by index probes, in both phases. Then the progress history's
/// retention pass thins and deletes what the default settings say, and the sample rows are counted before and after.
/// </summary>
internal sealed class HistoryScaleCommand : IBenchCommand
{
    private const string Schema = DatabaseOptions.DefaultSchema;
    private const int TablePage = 25;
    private const int ApiPage = 50;

    public string Name => "history-scale";

    public string Usage => "[--jobs 1000000] [--sampled-days 30] [--sampled-jobs 100000] [--runs 40] [--seed 15] [--plans true] [--postgres <connection string>]";

    /// <summary>One filter as the history page and the REST list apply it.</summary>
    private sealed record Scenario(string Name, JobFilter History, JobFilter Api);

    private sealed record Row(string Query, string Filter, LatencyRuns.Figures Figures);

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        if (HistoryScaleOptions.Parse(args, out var error) is not { } options)
        {
            output.WriteLine($"history-scale: {error}");
            output.WriteLine($"usage: history-scale {Usage}");
            return 2;
        }

        await using var postgres = await ThrowawayPostgres.CreateAsync(options.Postgres, cancellationToken);
        var connectionString = await postgres.CreateDatabaseAsync("ap_history_scale", cancellationToken);
        var capture = new CommandCapture();
        var contexts = new Contexts(connectionString, capture);
        await using (var db = contexts.CreateDbContext())
        {
            await DatabaseInitializer.InitializeAsync(db, migrate: true, cancellationToken);
        }

        var version = await ScalarAsync<string>(connectionString, "SELECT version()", cancellationToken);
        output.WriteLine(string.Create(inv, $"history-scale: {Environment.ProcessorCount} cores, {version}"));
        // The schema as it was before the job lists' indexes: the migration's indexes go, the older ones stay.
        await ExecuteAsync(connectionString, string.Concat(JobListIndexes.All.Select(i => $"DROP INDEX IF EXISTS \"{Schema}\".\"{i.Name}\";")), cancellationToken);

        var history = new StudioHistory(options.Jobs, TimeProvider.System.GetUtcNow().UtcDateTime, options.Seed);
        var seeded = await HistorySeeder.SeedAsync(connectionString, Schema, history, options.SampledDays, options.SampledJobs, cancellationToken);
        var vacuum = Stopwatch.StartNew();
        // Each VACUUM on its own: it cannot share a batch. A real table is vacuumed by autovacuum (index-only scans need it).
        await ExecuteAsync(connectionString, $"VACUUM ANALYZE \"{Schema}\".production_jobs", cancellationToken);
        await ExecuteAsync(connectionString, $"VACUUM ANALYZE \"{Schema}\".progress_history", cancellationToken);
        var vacuumTook = vacuum.Elapsed;
        var tableSize = await ScalarAsync<string>(connectionString, $"SELECT pg_size_pretty(pg_total_relation_size('\"{Schema}\".production_jobs'))", cancellationToken);
        output.WriteLine(string.Create(inv,
            $"history-scale: seeded {seeded.Jobs:N0} jobs over {StudioHistory.Span.TotalDays:F0} days by binary COPY in {seeded.JobsTook.TotalSeconds:F1} s; "
            + $"{seeded.Samples:N0} progress samples of the {seeded.SampledJobs:N0} jobs finished in the last {options.SampledDays} days in {seeded.SamplesTook.TotalSeconds:F1} s; "
            + $"VACUUM ANALYZE {vacuumTook.TotalSeconds:F1} s; production_jobs {tableSize}"));

        var scenarios = Scenarios(history);
        foreach (var s in scenarios.Skip(1))
        {
            var matches = await CountAsync(contexts, s.History, cancellationToken);
            output.WriteLine(string.Create(inv, $"history-scale: filter {s.Name}: {matches:N0} finished jobs match"));
        }

        var before = await MeasureAsync("before", contexts, capture, scenarios, options, output, cancellationToken);

        var built = new List<string>();
        foreach (var (name, definition) in JobListIndexes.All)
        {
            var started = Stopwatch.StartNew();
            await ExecuteAsync(connectionString, $"CREATE INDEX \"{name}\" ON \"{Schema}\".production_jobs {definition}", cancellationToken);
            built.Add(string.Create(inv, $"{name} {started.Elapsed.TotalSeconds:F1} s"));
        }

        await ExecuteAsync(connectionString, $"ANALYZE \"{Schema}\".production_jobs", cancellationToken);
        output.WriteLine("history-scale: built " + string.Join(", ", built));
        var after = await MeasureAsync("after", contexts, capture, scenarios, options, output, cancellationToken);

        output.WriteLine();
        output.WriteLine(string.Create(inv, $"| query | filter | before p50 / p95 (ms) | after p50 / p95 (ms) |"));
        output.WriteLine("| --- | --- | --- | --- |");
        foreach (var (b, a) in before.Zip(after))
        {
            output.WriteLine(string.Create(inv, $"| {b.Query} | {b.Filter} | {b.Figures.P50:F1} / {b.Figures.P95:F1} | {a.Figures.P50:F1} / {a.Figures.P95:F1} |"));
        }

        var worst = after.Where(r => !r.Query.Contains("OFFSET", StringComparison.Ordinal) && !r.Query.Contains("DISTINCT", StringComparison.Ordinal)).MaxBy(r => r.Figures.P95)!;
        output.WriteLine(string.Create(inv, $"history-scale: slowest p95 after (the app's paths): {worst.Figures.P95:F1} ms ({worst.Query}, {worst.Filter}); {options.Runs} runs each"));

        await RetentionAsync(contexts, connectionString, output, cancellationToken);
        return 0;
    }

    private static List<Scenario> Scenarios(StudioHistory history)
    {
        var finished = new JobFilter { Statuses = JobFilter.FinishedStatuses };
        var inv = CultureInfo.InvariantCulture;
        var instance = StudioHistory.InstanceName(4);
        var workflow = StudioHistory.WorkflowKey(9);
        var submitter = StudioHistory.SubmitterName(30);
        var weekFrom = new DateTimeOffset(history.End.AddDays(-180), TimeSpan.Zero);
        var weekTo = weekFrom.AddDays(7);
        return
        [
            new("none", finished, JobFilter.None),
            new(string.Create(inv, $"instance ({history.InstanceShare(4):P1})"), finished with { Instance = instance }, JobFilter.None with { Instance = instance }),
            new(string.Create(inv, $"workflow ({history.WorkflowShare(9):P1})"), finished with { WorkflowKey = workflow }, JobFilter.None with { WorkflowKey = workflow }),
            new("kind (video, 30%)", finished with { Kind = JobKind.Video }, JobFilter.None with { Kind = JobKind.Video }),
            new(string.Create(inv, $"submitter ({history.SubmitterShare(30):P2})"), finished with { SubmittedBy = submitter }, JobFilter.None with { SubmittedBy = submitter }),
            new("status (failed, 7%)", finished with { Statuses = new HashSet<JobStatus> { JobStatus.Failed } }, JobFilter.None with { Statuses = new HashSet<JobStatus> { JobStatus.Failed } }),
            new("finished in one week, 6 months ago", finished with { FinishedFrom = weekFrom, FinishedBefore = weekTo }, JobFilter.None with { FinishedFrom = weekFrom, FinishedBefore = weekTo }),
        ];
    }

    private static async Task<List<Row>> MeasureAsync(
        string phase, Contexts contexts, CommandCapture capture, List<Scenario> scenarios, HistoryScaleOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var queries = new JobQueries(contexts);
        var statistics = new JobStatistics(contexts, TimeProvider.System);
        var rows = new List<Row>();
        async Task Time(string query, string filter, Func<CancellationToken, Task> run, int? runs = null)
        {
            var figures = await LatencyRuns.MeasureAsync(run, runs ?? options.Runs, cancellationToken);
            rows.Add(new Row(query, filter, figures));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history-scale: {phase}: {query} [{filter}] p50 {figures.P50:F1} ms, p95 {figures.P95:F1} ms, max {figures.Max:F1} ms"));
        }

        foreach (var s in scenarios)
        {
            await Time("history page: table page 1 and total", s.Name, ct => queries.SearchStoredAsync(s.History, JobSort.Finished, true, 0, TablePage, ct));
            await Time("history page: charts (newest 5,000)", s.Name, ct => statistics.GetAsync(s.History, ct));
            await Time("GET /api/jobs: page 1 and total", s.Name, ct => queries.ListAfterAsync(s.Api, null, ApiPage, ct));
        }

        // Deep pages: the same rows by OFFSET (the old way) and after a cursor (keyset).
        var none = scenarios[0];
        var depth = Math.Min(50_000, options.Jobs / 2);
        var atDepth = (await queries.SearchStoredAsync(none.History, JobSort.Finished, true, depth - 1, 1, cancellationToken)).Jobs[0];
        var tableCursor = new FinishedCursor(atDepth.FinishedAt!.Value, atDepth.Id);
        var total = await queries.CountStoredAsync(none.History, cancellationToken);
        var page = depth / TablePage + 1;
        await Time(string.Create(CultureInfo.InvariantCulture, $"history table page {page:N0} by OFFSET"), "none", ct => queries.SearchStoredAsync(none.History, JobSort.Finished, true, depth, TablePage, ct, knownTotal: total));
        await Time(string.Create(CultureInfo.InvariantCulture, $"history table page {page:N0} after a cursor"), "none", ct => queries.SearchStoredAsync(none.History, JobSort.Finished, true, depth, TablePage, ct, tableCursor, total));
        var apiDepth = Math.Min(100_000, options.Jobs / 2);
        var apiAt = (await queries.ListAsync(none.Api, apiDepth - 1, 1, cancellationToken)).Jobs[0];
        await Time(string.Create(CultureInfo.InvariantCulture, $"GET /api/jobs offset={apiDepth:N0} (OFFSET)"), "none", ct => queries.ListAsync(none.Api, apiDepth, ApiPage, ct));
        await Time(string.Create(CultureInfo.InvariantCulture, $"GET /api/jobs cursor at {apiDepth:N0}"), "none", ct => queries.ListAfterAsync(none.Api, new JobListCursor(false, apiAt.Id), ApiPage, ct));
        await Time("history page: instance list by DISTINCT (old)", "-", async ct =>
        {
            await using var db = contexts.CreateDbContext();
            await db.ProductionJobs.AsNoTracking().Where(j => j.ComfyUiInstance != null && j.ComfyUiInstance != "")
                .Select(j => j.ComfyUiInstance!).Distinct().OrderBy(i => i).Take(JobQueries.MaxInstances).ToListAsync(ct);
        });
        // Without an index on the instance each probe reads the table (seconds per list): a few runs say enough.
        await Time("history page: instance list by index probes", "-", ct => queries.GetInstancesAsync(ct), phase == "before" ? Math.Min(3, options.Runs) : null);

        if (options.Plans)
        {
            foreach (var s in scenarios.Where(s => s.Name is "none" || s.Name.StartsWith("submitter", StringComparison.Ordinal) || s.Name.StartsWith("finished", StringComparison.Ordinal)))
            {
                await PlanAsync(phase, $"history page: table page 1 and total [{s.Name}]", contexts, capture, ct => queries.SearchStoredAsync(s.History, JobSort.Finished, true, 0, TablePage, ct), output, cancellationToken);
                await PlanAsync(phase, $"GET /api/jobs: page 1 and total [{s.Name}]", contexts, capture, ct => queries.ListAfterAsync(s.Api, null, ApiPage, ct), output, cancellationToken);
            }

            await PlanAsync(phase, $"history table page {page:N0} after a cursor", contexts, capture, ct => queries.SearchStoredAsync(none.History, JobSort.Finished, true, depth, TablePage, ct, tableCursor, total), output, cancellationToken);
        }

        return rows;
    }

    /// <summary>Runs the query once recording its SQL, then EXPLAIN (ANALYZE, BUFFERS) of each statement it sent.</summary>
    private static async Task PlanAsync(string phase, string title, Contexts contexts, CommandCapture capture, Func<CancellationToken, Task> query, TextWriter output, CancellationToken cancellationToken)
    {
        capture.Recording = true;
        try
        {
            await query(cancellationToken);
        }
        finally
        {
            capture.Recording = false;
        }

        await using var connection = new NpgsqlConnection(contexts.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var (sql, parameters) in capture.Take())
        {
            output.WriteLine();
            output.WriteLine($"-- plan {phase}: {title}");
            output.WriteLine(sql);
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, connection);
            explain.Parameters.AddRange(parameters);
            await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                output.WriteLine(reader.GetString(0));
            }
        }
    }

    private static async Task RetentionAsync(Contexts contexts, string connectionString, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new ProgressHistoryOptions();
        var inv = CultureInfo.InvariantCulture;
        var countSql = $"""
            SELECT count(*) FILTER (WHERE j.completed_at >= now() - interval '{(int)options.FullDetailFor.TotalDays} days'),
                   count(*) FILTER (WHERE j.completed_at < now() - interval '{(int)options.FullDetailFor.TotalDays} days'),
                   count(*)
            FROM "{Schema}".progress_history h LEFT JOIN "{Schema}".production_jobs j ON j.id = h.job_id
            """;
        var (recentBefore, agedBefore, allBefore) = await CountsAsync(connectionString, countSql, cancellationToken);
        var size = $"SELECT pg_size_pretty(pg_total_relation_size('\"{Schema}\".progress_history'))";
        var sizeBefore = await ScalarAsync<string>(connectionString, size, cancellationToken);
        var retention = new ProgressHistoryRetention(contexts, Options.Create(options), TimeProvider.System, NullLogger<ProgressHistoryRetention>.Instance);
        var started = Stopwatch.StartNew();
        var pass = await retention.RunAsync(cancellationToken);
        var took = started.Elapsed;
        started.Restart();
        var again = await retention.RunAsync(cancellationToken);
        var secondTook = started.Elapsed;
        await ExecuteAsync(connectionString, $"VACUUM ANALYZE \"{Schema}\".progress_history", cancellationToken);
        var (recentAfter, agedAfter, allAfter) = await CountsAsync(connectionString, countSql, cancellationToken);
        output.WriteLine();
        output.WriteLine(string.Create(inv,
            $"history-scale: retention (FullDetailFor {options.FullDetailFor.TotalDays:F0} d, ThinnedInterval {options.ThinnedInterval.TotalSeconds:F0} s, KeepFor {options.KeepFor.TotalDays:F0} d, batches of {options.RetentionBatchSize}): "
            + $"first pass {took.TotalSeconds:F1} s ({pass.JobsThinned:N0} jobs thinned, {pass.SamplesThinned:N0} samples removed, {pass.SamplesExpired:N0} expired), "
            + $"next pass {secondTook.TotalMilliseconds:F0} ms ({again.JobsThinned:N0} jobs, {again.SamplesThinned:N0} removed)"));
        output.WriteLine("| progress_history rows | before | after |");
        output.WriteLine("| --- | --- | --- |");
        output.WriteLine(string.Create(inv, $"| jobs finished in the last {options.FullDetailFor.TotalDays:F0} days (full detail) | {recentBefore:N0} | {recentAfter:N0} |"));
        output.WriteLine(string.Create(inv, $"| jobs finished before that (thinned) | {agedBefore:N0} | {agedAfter:N0} |"));
        var sizeAfter = await ScalarAsync<string>(connectionString, size, cancellationToken);
        output.WriteLine(string.Create(inv, $"| all | {allBefore:N0} ({sizeBefore}) | {allAfter:N0} ({sizeAfter}) |"));
    }

    private static async Task<int> CountAsync(Contexts contexts, JobFilter filter, CancellationToken cancellationToken) =>
        await new JobQueries(contexts).CountStoredAsync(filter, cancellationToken);

    private static async Task<(long, long, long)> CountsAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1800 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The app's context on the bench database, with the SQL capture attached.</summary>
    internal sealed class Contexts(string connectionString, CommandCapture capture) : IDbContextFactory<AnimeProgressDbContext>
    {
        public string ConnectionString => connectionString;

        public AnimeProgressDbContext CreateDbContext()
        {
            var options = new DbContextOptionsBuilder<AnimeProgressDbContext>();
            PostgresModel.UseSchema(options, connectionString, Schema);
            options.AddInterceptors(capture);
            return new AnimeProgressDbContext(options.Options);
        }
    }
}
