using System.Net;
using System.Text;
using System.Text.Json;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Submission;

/// <summary>
/// Who submitted what (issue 14 item 11), against the real app on SQLite with an emulated ComfyUI: a job submitted with
/// a key records its owner in <c>production_jobs.submitted_by</c> and in the API's job JSON, and <c>?submittedBy=</c>
/// lists only that submitter's jobs.
/// </summary>
public sealed class SubmittedByTests(SubmittedByTests.SubmitApp submit) : IClassFixture<SubmittedByTests.SubmitApp>
{
    public sealed class SubmitApp : IAsyncDisposable
    {
        internal AppHost App { get; } = AppHost.StartDemo(extra: new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AnimeProgress:Demo:GenerateJobs"] = "false",
            ["AnimeProgress:Demo:Instances"] = "1",
        });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => submit.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Job(string title) => new(
        $$"""{"title":"{{title}}","kind":"image","workflow":{{DemoWorkflows.Image("x", 3, 1).Workflow.ToJsonString()}}}""", Encoding.UTF8, "application/json");

    private async Task<long> SubmitAsync(string key, string title)
    {
        using var response = await KeyApps.SendAsync(App, HttpMethod.Post, "/api/jobs", key, Job(title));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("id").GetInt64();
    }

    private async Task<string?> StoredSubmitterAsync(long id)
    {
        var contexts = App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        var waitingSince = TimeProvider.System.GetTimestamp();
        while (true)
        {
            await using (var db = await contexts.CreateDbContextAsync(Ct))
            {
                // The row is written behind the live path: wait for it, not for a fixed time.
                if (await db.ProductionJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, Ct) is { } row)
                {
                    return row.SubmittedBy;
                }
            }

            Assert.True(TimeProvider.System.GetElapsedTime(waitingSince) < TimeSpan.FromSeconds(30), $"job {id} never reached the database");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task A_job_submitted_with_a_key_records_its_owner_in_the_row_and_the_api_and_submittedBy_lists_only_theirs()
    {
        var (_, pipeline) = await KeyApps.KeyAsync(App, "render-pipeline", AppRoles.Operator, ApiScope.Read | ApiScope.Submit);
        var (_, other) = await KeyApps.KeyAsync(App, "compositing", AppRoles.Operator, ApiScope.Read | ApiScope.Submit);

        var mine = await SubmitAsync(pipeline, "cut 1 by the pipeline");
        var theirs = await SubmitAsync(other, "cut 2 by compositing");

        Assert.Equal("render-pipeline", await StoredSubmitterAsync(mine));
        Assert.Equal("compositing", await StoredSubmitterAsync(theirs));

        using (var detail = await KeyApps.SendAsync(App, HttpMethod.Get, $"/api/jobs/{mine}", pipeline))
        {
            using var json = JsonDocument.Parse(await detail.Content.ReadAsStringAsync(Ct));
            Assert.Equal("render-pipeline", json.RootElement.GetProperty("job").GetProperty("submitted_by").GetString());
        }

        using var list = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs?submittedBy=render-pipeline", pipeline);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct));
        var jobs = page.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Contains(jobs, j => j.GetProperty("id").GetInt64() == mine);
        Assert.DoesNotContain(jobs, j => j.GetProperty("id").GetInt64() == theirs);
        Assert.All(jobs, j => Assert.Equal("render-pipeline", j.GetProperty("submitted_by").GetString()));
    }

    [Fact]
    public async Task A_row_another_program_wrote_has_no_submitter_and_is_in_nobodys_list()
    {
        var (_, key) = await KeyApps.KeyAsync(App, "reader", AppRoles.Viewer, ApiScope.Read);
        var contexts = App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync(Ct))
        {
            db.ProductionJobs.Add(new ProductionJobRow { Id = 900_001, Title = "studio api job", Status = "completed", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, CompletedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Ct);
        }

        using (var detail = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs/900001", key))
        {
            using var json = JsonDocument.Parse(await detail.Content.ReadAsStringAsync(Ct));
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("job").GetProperty("submitted_by").ValueKind);
        }

        using var list = await KeyApps.SendAsync(App, HttpMethod.Get, "/api/jobs?submittedBy=reader", key);
        using var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct));
        Assert.Equal(0, page.RootElement.GetProperty("total").GetInt32());
    }
}
