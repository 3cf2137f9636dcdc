using System.Net;
using System.Text.Json;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Api.Rest;

/// <summary>progress_history filled from the hub, and read back as samples and a stage timeline over REST.</summary>
public sealed class JobHistoryApiTests
{
    [Fact]
    public async Task A_job_detail_has_the_snapshot_and_the_stage_timeline_from_its_history()
    {
        await using var app = ApiApps.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });
        const long id = 104;
        var t0 = DateTimeOffset.UtcNow;
        JobSnapshot At(Stage stage, double percent, int seconds, long version, JobStatus status = JobStatus.Running) =>
            Snapshots.Running(id, version, percent, "Timeline job", stage) with { Status = status, UpdatedAt = t0.AddSeconds(seconds), FinishedAt = status == JobStatus.Completed ? t0.AddSeconds(seconds) : null };

        // Spaced out so that the hub's per-subscriber coalescing cannot merge two stages.
        foreach (var snapshot in new[]
        {
            At(Stage.Initializing, 1, 0, 1), At(Stage.Processing, 5, 2, 2), At(Stage.Rendering, 10, 3, 3),
            At(Stage.Rendering, 50, 30, 4), At(Stage.PostProcessing, 90, 60, 5), At(Stage.Completed, 100, 62, 6, JobStatus.Completed),
        })
        {
            app.Hub.Publish(snapshot);
            await Eventually.True(() => app.Hub.Find(id)?.Version == snapshot.Version);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        // The recorder takes snapshots from the hub on the thread pool; recorded samples show before they are written.
        var history = await GetJson(app, $"/api/jobs/{id}/history");
        for (var tries = 0; history.GetProperty("samples").GetArrayLength() < 6 && tries < 300; tries++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            history = await GetJson(app, $"/api/jobs/{id}/history");
        }

        var detail = await GetJson(app, $"/api/jobs/{id}");

        Assert.Equal("completed", detail.GetProperty("job").GetProperty("status").GetString());
        var timeline = detail.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["Initializing", "Processing", "Rendering", "Post-processing", "Completed"], timeline.Select(s => s.GetProperty("stage").GetString()));
        Assert.Equal([2.0, 1.0, 57.0, 2.0, 0.0], timeline.Select(s => s.GetProperty("duration_seconds").GetDouble()));
        var samples = history.GetProperty("samples").EnumerateArray().Select(s => (s.GetProperty("stage").GetString(), s.GetProperty("progress").GetDouble())).ToList();
        Assert.Equal(
            [("Initializing", 1.0), ("Processing", 5.0), ("Rendering", 10.0), ("Rendering", 50.0), ("Post-processing", 90.0), ("Completed", 100.0)],
            samples);
        Assert.Equal(id, history.GetProperty("job_id").GetInt64());

        // And they reach the progress_history table, in one flush or a few.
        var recorder = app.Services.GetRequiredService<ProgressHistoryRecorder>();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        await Eventually.True(() => recorder.PendingSamples == 0, what: "samples written");
        await using var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var rows = await db.ProgressHistory.Where(r => r.JobId == id).OrderBy(r => r.RecordedAt).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(samples, rows.Select(r => ((string?)r.Stage, r.Progress)));
    }

    [Fact]
    public async Task A_database_made_before_the_history_table_existed_gets_it_at_start()
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-history-").FullName;
        var settings = new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false", ["AnimeProgress:Database:DataDirectory"] = data };
        await using (ApiApps.Start(new Dictionary<string, string?>(settings)))
        {
        }

        // The database as an older version left it: production_jobs only.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "animeprogress.db")};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE progress_history";
            await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var app = ApiApps.Start(new Dictionary<string, string?>(settings));
        app.Hub.Publish(Snapshots.Running(105, version: 1, percent: 5, stage: Stage.Initializing));
        var history = await GetJson(app, "/api/jobs/105/history");
        for (var tries = 0; history.GetProperty("samples").GetArrayLength() == 0 && tries < 300; tries++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            history = await GetJson(app, "/api/jobs/105/history");
        }

        var recorder = app.Services.GetRequiredService<ProgressHistoryRecorder>();
        await Eventually.True(() => recorder.PendingSamples == 0, what: "the sample written to the recreated table");
        Assert.Equal("Initializing", history.GetProperty("samples")[0].GetProperty("stage").GetString());
        Assert.Null(recorder.LastError);
    }

    private static async Task<JsonElement> GetJson(AppHost app, string url)
    {
        using var http = app.CreateClient();
        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
