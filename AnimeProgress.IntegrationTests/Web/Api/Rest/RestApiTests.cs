using System.Net;
using System.Text.Json;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Api.Rest;

/// <summary>
/// The REST API through the real HTTP pipeline: stored history from the database merged with the
/// hub's live state, filters, paging, the stage timeline, problem details, the OpenAPI document.
/// </summary>
public sealed class RestApiTests(RestApiTests.SeededApp seeded) : IClassFixture<RestApiTests.SeededApp>
{
    /// <summary>30 stored jobs (ids 1..30) plus live ones in the hub (ids 101..103), one of them stale in the database.</summary>
    public sealed class SeededApp : IAsyncLifetime
    {
        internal AppHost App { get; } = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "studio-gpu",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9/",
        });

        public async ValueTask InitializeAsync()
        {
            var contexts = App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();
            var start = DateTimeOffset.UtcNow.AddDays(-2);
            for (var id = 1; id <= 30; id++)
            {
                db.ProductionJobs.Add(new ProductionJobRow
                {
                    Id = id,
                    Title = id % 3 == 0 ? $"Ep 01 Cut {id:000} Sakura" : $"Key art {id}",
                    Kind = id % 3 == 0 ? "video" : "image",
                    Status = id % 5 == 0 ? "failed" : "completed",
                    CurrentStage = id % 5 == 0 ? "Failed" : "Completed",
                    Progress = id % 5 == 0 ? 40 : 100,
                    ComfyUiInstance = id % 2 == 0 ? "gpu-b" : "gpu-a",
                    CreatedAt = start.AddMinutes(id),
                    UpdatedAt = start.AddMinutes(id + 1),
                    CompletedAt = start.AddMinutes(id + 1),
                });
            }

            // The database still says queued; the hub knows it is running now.
            db.ProductionJobs.Add(new ProductionJobRow { Id = 101, Title = "Live one", Status = "queued", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            App.Hub.Publish(Snapshots.Running(101, version: 5, percent: 30, title: "Live one"));
            App.Hub.Publish(Snapshots.Running(102, version: 1, percent: 60, title: "Live two Sakura") with { Kind = JobKind.Video, FramesTotal = 48, FramesDone = 28 });
            App.Hub.Publish(Snapshots.Running(103, version: 1, percent: 0) with { Status = JobStatus.Queued, Stage = Stage.Queued, QueuePosition = 1 });
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => seeded.App;

    [Fact]
    public async Task Jobs_are_listed_newest_first_with_the_live_state_winning_over_the_stored_one()
    {
        var page = await GetJson("/api/jobs?pageSize=100");

        Assert.Equal(33, page.GetProperty("total").GetInt32());
        var ids = Ids(page);
        Assert.Equal([103, 102, 101, .. Enumerable.Range(1, 30).Reverse().Select(i => (long)i)], ids);
        var live = page.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("id").GetInt64() == 101);
        Assert.Equal("processing", live.GetProperty("status").GetString());
        Assert.Equal(30, live.GetProperty("progress").GetDouble());
    }

    [Theory]
    [InlineData("status=processing", new long[] { 102, 101 })]
    [InlineData("status=queued", new long[] { 103 })]
    [InlineData("status=failed", new long[] { 30, 25, 20, 15, 10, 5 })]
    [InlineData("status=failed,queued", new long[] { 103, 30, 25, 20, 15, 10, 5 })]
    [InlineData("kind=video&status=completed", new long[] { 27, 24, 21, 18, 12, 9, 6, 3 })]
    [InlineData("instance=gpu-a&status=failed", new long[] { 25, 15, 5 })]
    [InlineData("text=sakura", new long[] { 102, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3 })]
    [InlineData("text=SAKURA&kind=image", new long[] { })]
    public async Task Filters_by_status_kind_instance_and_text_combine(string query, long[] expected)
    {
        var page = await GetJson("/api/jobs?limit=100&" + query);

        Assert.Equal(expected, Ids(page));
        Assert.Equal(expected.Length, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Paging_by_page_and_by_offset_give_the_same_slices_across_live_and_stored_jobs()
    {
        var second = await GetJson("/api/jobs?page=2&pageSize=10");
        var same = await GetJson("/api/jobs?offset=10&limit=10");
        var last = await GetJson("/api/jobs?page=4&pageSize=10");
        var firstTwo = await GetJson("/api/jobs?offset=1&limit=3");

        Assert.Equal(Enumerable.Range(14, 10).Reverse().Select(i => (long)i), Ids(second));
        Assert.Equal(Ids(second), Ids(same));
        Assert.Equal((2, 10, 10, 33), (second.GetProperty("page").GetInt32(), second.GetProperty("page_size").GetInt32(), second.GetProperty("offset").GetInt32(), second.GetProperty("total").GetInt32()));
        Assert.Equal([3, 2, 1], Ids(last));
        Assert.Equal([102, 101, 30], Ids(firstTwo));
    }

    [Fact]
    public async Task A_cursor_pages_through_live_and_stored_jobs_each_once_and_an_offset_page_hands_one_out_too()
    {
        var ids = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJson("/api/jobs?pageSize=4" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(33, page.GetProperty("total").GetInt32());
            ids.AddRange(Ids(page));
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.True(++pages < 20, "the cursor never reached the end");
        }
        while (cursor is not null);

        // Live first (101 is stored too, and listed once, live), then the stored ones: what offset paging lists.
        Assert.Equal([103, 102, 101, .. Enumerable.Range(1, 30).Reverse().Select(i => (long)i)], ids);
        var second = await GetJson("/api/jobs?offset=4&limit=4");
        var third = await GetJson("/api/jobs?limit=4&cursor=" + second.GetProperty("next_cursor").GetString());
        Assert.Equal(ids.Skip(8).Take(4), Ids(third));
        Assert.Equal((0, 0), (third.GetProperty("offset").GetInt32(), third.GetProperty("page").GetInt32()));
    }

    [Fact]
    public async Task Finish_time_bounds_narrow_the_list()
    {
        var all = await GetJson("/api/jobs?status=completed,failed&limit=100");
        var finished = all.GetProperty("jobs").EnumerateArray()
            .ToDictionary(j => j.GetProperty("id").GetInt64(), j => DateTimeOffset.Parse(j.GetProperty("finished_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var from = finished[10];
        var before = finished[20];

        var page = await GetJson($"/api/jobs?limit=100&finishedFrom={Uri.EscapeDataString(from.ToString("O"))}&finishedBefore={Uri.EscapeDataString(before.ToString("O"))}");

        Assert.Equal(Enumerable.Range(10, 10).Reverse().Select(i => (long)i), Ids(page));
    }

    [Theory]
    [InlineData("/api/jobs?page=1&offset=0", "paging")]
    [InlineData("/api/jobs?pageSize=0", "pageSize")]
    [InlineData("/api/jobs?limit=100000", "limit")]
    [InlineData("/api/jobs?page=0", "page")]
    [InlineData("/api/jobs?status=sleeping", "status")]
    [InlineData("/api/jobs?kind=audio", "kind")]
    [InlineData("/api/jobs?cursor=x12", "cursor")]
    [InlineData("/api/jobs?cursor=s12&page=2", "cursor")]
    [InlineData("/api/jobs?cursor=s12&offset=4", "cursor")]
    [InlineData("/api/jobs?finishedFrom=yesterday", "finishedFrom")]
    [InlineData("/api/jobs?finishedBefore=2026-12-01T00:00:00", "finishedBefore")]
    public async Task Bad_query_values_get_a_400_validation_problem_naming_the_parameter(string url, string parameter)
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(parameter, out _), problem.RootElement.ToString());
    }

    [Theory]
    [InlineData("/api/jobs?page=abc", HttpStatusCode.BadRequest)]
    [InlineData("/api/jobs/424242", HttpStatusCode.NotFound)]
    [InlineData("/api/jobs/424242/history", HttpStatusCode.NotFound)]
    [InlineData("/api/jobs/not-a-number", HttpStatusCode.NotFound)]
    [InlineData("/api/nothing-here", HttpStatusCode.NotFound)]
    public async Task Errors_are_problem_details_not_the_dashboards_html(string url, HttpStatusCode expected)
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_problem_titled_job_not_found()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/api/jobs/424242", TestContext.Current.CancellationToken);

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Job not found", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal("No job with id 424242.", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unsupported_methods_are_refused_with_a_405_problem()
    {
        using var http = App.CreateClient();

        using var response = await http.DeleteAsync("/api/jobs/1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_stored_job_without_history_has_an_empty_timeline()
    {
        var detail = await GetJson("/api/jobs/7");

        Assert.Equal("Key art 7", detail.GetProperty("job").GetProperty("title").GetString());
        Assert.Empty(detail.GetProperty("timeline").EnumerateArray());
    }

    [Fact]
    public async Task Instances_list_the_configured_comfyui_machines()
    {
        var body = await GetJson("/api/instances");

        var instance = Assert.Single(body.GetProperty("instances").EnumerateArray());
        Assert.Equal("studio-gpu", instance.GetProperty("name").GetString());
        Assert.Equal("http://127.0.0.1:9/", instance.GetProperty("base_url").GetString());
        Assert.False(instance.GetProperty("online").GetBoolean());
        Assert.EndsWith("Z", instance.GetProperty("since").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_rest_api()
    {
        var document = await GetJson("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/history", "/api/instances",
            // The fleet queue's actions (issue 16).
            "/api/queue", "/api/jobs/{id}/cancel", "/api/jobs/{id}/retry", "/api/jobs/{id}/move", "/api/queue/pause", "/api/queue/resume",
            "/api/instances/{name}/drain", "/api/instances/{name}/resume", "/api/instances/{name}",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} in {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }

        Assert.DoesNotContain(paths.EnumerateObject(), p => !p.Name.StartsWith("/api/", StringComparison.Ordinal));
        Assert.True(paths.GetProperty("/api/jobs/{id}").TryGetProperty("patch", out _), "PATCH /api/jobs/{id} (priority)");
        var parameters = paths.GetProperty("/api/jobs").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.Equal(["status", "kind", "instance", "text", "submittedBy", "workflow", "finishedFrom", "finishedBefore", "cursor", "page", "pageSize", "offset", "limit"], parameters);
        Assert.Equal("AnimeProgress API", document.GetProperty("info").GetProperty("title").GetString());
    }

    private static List<long> Ids(JsonElement page) => [.. page.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetInt64())];

    private async Task<JsonElement> GetJson(string url)
    {
        using var http = App.CreateClient();
        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
