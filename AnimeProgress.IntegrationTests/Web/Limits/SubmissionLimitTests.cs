using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Limits;

/// <summary>
/// POST /api/jobs refusals of our own (size, validation, rate) against the real app with an emulated ComfyUI:
/// each answers with its code and sentence, and none leaves a job behind.
/// </summary>
public sealed class SubmissionLimitTests : IAsyncLifetime
{
    private AppHost _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = AppHost.StartDemo(extra: new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AnimeProgress:Demo:GenerateJobs"] = "false",
            ["AnimeProgress:Demo:Instances"] = "1",
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false",
            ["AnimeProgress:Limits:Requests:SubmissionPermitsPerWindow"] = "8",
            ["AnimeProgress:Limits:Requests:SubmissionWindow"] = "01:00:00",
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Our_refusals_answer_with_their_sentence_and_create_no_job_then_a_good_submission_is_the_only_row()
    {
        using var http = ClientAddresses.Http(_app.BaseAddress, ClientAddresses.First);

        // 21.6 MB with its length declared: refused before the body is read.
        var huge = Json(WithImage("huge", 21_600_000));
        using (var response = await http.PostAsync("/api/jobs", huge, Ct))
        {
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge,
                "A job may be at most 1048576 bytes of JSON; send a smaller workflow (no embedded images), or raise AnimeProgress:Limits:Requests:MaxSubmissionBodyBytes.");
        }

        var bad = new (string Body, string Field, string Sentence)[]
        {
            ($$"""{"title":"Cut","kind":"42","workflow":{{Graph}}}""", "kind", "kind must be \"image\" or \"video\" (got the string \"42\")."),
            ($$"""{"title":"Cut","workflow":{{Graph}},"frames":"many"}""", "frames", "frames must be a whole number from 1 to 1000000 (got the string \"many\")."),
            ("""{"title":"Cut","workflow":"not a graph"}""", "workflow", "workflow must be an object of nodes (\"Save (API)\" format) (got the string \"not a graph\")."),
            ($$"""{"workflow":{{Graph}}}""", "title", "title is required: a non-empty string naming the job."),
            ($$"""{"title":"Cut","workflow":{{Graph}},"instance":"gpu-z"}""", "instance", "instance \"gpu-z\" is not a configured ComfyUI instance (configured: demo-gpu-1); leave instance out to use the least loaded one."),
        };
        foreach (var (body, field, sentence) in bad)
        {
            using var response = await http.PostAsync("/api/jobs", Json(body), Ct);
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, sentence);
            Assert.Equal(sentence, problem["errors"]![field]![0]!.GetValue<string>());
        }

        using (var good = await http.PostAsync("/api/jobs", Json($$"""{"title":"The one good cut","kind":"image","workflow":{{DemoWorkflows.Image("x", 3, 1).Workflow.ToJsonString()}}}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
        }

        // The tracker folds registrations in order, so once the good job is there any refused one would be too.
        await Eventually.True(() => _app.Hub.Jobs.Any(j => j.Title == "The one good cut"), TimeSpan.FromSeconds(30), "the good job");
        Assert.Equal(["The one good cut"], _app.Hub.Jobs.Select(j => j.Title));
        var queries = _app.Services.GetRequiredService<JobQueries>();
        await Eventually.True(() => queries.CountStoredAsync(JobFilter.None, Ct).GetAwaiter().GetResult() >= 1, TimeSpan.FromSeconds(30), "the good job stored");
        var stored = await queries.ReadRowsAsync(JobFilter.None, JobSort.Created, descending: false, take: null, Ct);
        Assert.Equal(["The one good cut"], stored.Select(r => r.Title));
        Assert.DoesNotContain(_app.Hub.Jobs, j => j.Status == JobStatus.Failed);
    }

    [Fact]
    public async Task A_body_sent_without_a_length_is_cut_off_at_the_cap_with_413()
    {
        using var http = ClientAddresses.Http(_app.BaseAddress, ClientAddresses.First);
        var bytes = Encoding.UTF8.GetBytes(WithImage("chunked", 3_000_000));
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_app.Hub.Jobs);
    }

    [Fact]
    public async Task Submissions_over_the_rate_get_429_with_retry_after_per_client_and_create_no_job()
    {
        using var first = ClientAddresses.Http(_app.BaseAddress, ClientAddresses.First);
        using var second = ClientAddresses.Http(_app.BaseAddress, ClientAddresses.Second);
        var invalid = """{"title":"Cut","kind":"42","workflow":{"1":{"class_type":"X","inputs":{}}}}""";
        for (var i = 0; i < 8; i++)
        {
            using var allowed = await first.PostAsync("/api/jobs", Json(invalid), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        }

        using (var limited = await first.PostAsync("/api/jobs", Json($$"""{"title":"ninth","workflow":{{Graph}}}"""), Ct))
        {
            await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, null);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromHours(1), $"Retry-After {retryAfter}");
            var problem = await limited.Content.ReadFromJsonAsync<JsonObject>(Ct);
            Assert.Equal(
                $"This client made more than 8 job submissions in 01:00:00; retry in {(int)retryAfter!.Value.TotalSeconds} seconds, or raise AnimeProgress:Limits:Requests:SubmissionPermitsPerWindow (per AnimeProgress:Limits:Requests:SubmissionWindow).",
                problem!["detail"]!.GetValue<string>());
        }

        // Another client has its own allowance; reading the API is limited apart from submitting.
        using (var other = await second.PostAsync("/api/jobs", Json(invalid), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        }

        using (var read = await first.GetAsync("/api/jobs", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.Empty(_app.Hub.Jobs);
    }

    private const string Graph = """{"1":{"class_type":"KSampler","inputs":{"steps":3}}}""";

    /// <summary>A job with an image pasted into the graph, the way a body grows to megabytes.</summary>
    private static string WithImage(string title, int imageCharacters) =>
        "{\"title\":\"" + title + "\",\"workflow\":{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"" + new string('A', imageCharacters) + "\"}}}}";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detailContains)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        return problem;
    }
}
