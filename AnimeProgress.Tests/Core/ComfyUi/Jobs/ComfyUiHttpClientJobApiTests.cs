using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.ComfyUi.Jobs;

/// <summary>How the HTTP client detects and calls the newer server's job API, and what every submission carries.</summary>
public sealed class ComfyUiHttpClientJobApiTests
{
    private const string PromptId = "ed8a4e5f-378b-4010-a092-58ede3b1e393";
    private static readonly ComfyUiInstance Gpu = new("gpu-1", new Uri("http://10.0.0.5:8188/"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"jobs":[],"pagination":{"offset":0,"limit":1,"total":0,"has_more":false}}""", true)]
    [InlineData(HttpStatusCode.NotFound, "404: Not Found", false)]
    [InlineData(HttpStatusCode.MethodNotAllowed, "", false)]
    [InlineData(HttpStatusCode.InternalServerError, "oops", null)]
    [InlineData(HttpStatusCode.BadGateway, "", null)]
    [InlineData(HttpStatusCode.OK, "<html>a proxy's page</html>", null)]
    [InlineData(HttpStatusCode.OK, """{"jobs":"none"}""", null)]
    public async Task The_probe_says_yes_no_or_nothing(HttpStatusCode status, string body, bool? expected)
    {
        var handler = new Recorder(_ => (status, body));
        var client = new ComfyUiHttpClient(new HttpClient(handler), Gpu);

        Assert.Equal(expected, await client.ProbeJobsApiAsync(Ct));
        Assert.Equal("GET /api/jobs?limit=1", Assert.Single(handler.Requests).Line);
    }

    [Fact]
    public async Task A_submission_carries_create_time_from_the_clock_and_a_callers_own_is_kept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 22, 0, 0, TimeSpan.Zero));
        var handler = new Recorder(_ => (HttpStatusCode.OK, $$$"""{"prompt_id":"{{{PromptId}}}","number":1,"node_errors":{}}"""));
        var client = new ComfyUiHttpClient(new HttpClient(handler), Gpu, time: time);
        var graph = new JsonObject { ["1"] = new JsonObject { ["class_type"] = "EmptyImage", ["inputs"] = new JsonObject() } };

        await client.SubmitAsync(graph, "animeprogress-1", PromptId, new JsonObject { ["note"] = "x" }, front: false, Ct);
        await client.SubmitAsync(graph, "animeprogress-1", PromptId, new JsonObject { ["create_time"] = 5 }, front: false, Ct);

        var first = JsonNode.Parse(handler.Requests[0].Body!)!["extra_data"]!;
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), first["create_time"]!.GetValue<long>());
        Assert.Equal("x", first["note"]!.GetValue<string>());
        Assert.Equal(5, JsonNode.Parse(handler.Requests[1].Body!)!["extra_data"]!["create_time"]!.GetValue<long>());
    }

    [Fact]
    public async Task No_request_carries_sec_fetch_site()
    {
        // Newer servers answer Sec-Fetch-Site: cross-site with 403 (issue 17); nothing AnimeProgress sends may carry it.
        var handler = new Recorder(r => r.Line.StartsWith("POST /prompt", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, $$$"""{"prompt_id":"{{{PromptId}}}","number":1,"node_errors":{}}""")
            : r.Line.Contains("cancel", StringComparison.Ordinal) ? (HttpStatusCode.OK, """{"cancelled":true}""")
            : (HttpStatusCode.OK, $$"""{"id":"{{PromptId}}","status":"completed","jobs":[]}"""));
        var client = new ComfyUiHttpClient(new HttpClient(handler), Gpu);

        await client.SubmitAsync(new JsonObject(), "c", PromptId, null, front: true, Ct);
        await client.ProbeJobsApiAsync(Ct);
        await client.GetJobAsync(PromptId, Ct);
        await client.GetJobsAsync([ComfyUiJobStatus.Completed], 4, Ct);
        await client.CancelJobAsync(PromptId, Ct);

        Assert.Equal(5, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.False(r.SecFetchSite, r.Line));
    }

    [Theory]
    [InlineData("""{"cancelled":true}""", true)]
    [InlineData("""{"cancelled":false}""", false)]
    [InlineData("""{"cancelled":"yes"}""", false)]
    [InlineData("""{}""", false)]
    public async Task A_cancel_is_one_post_to_the_jobs_cancel_route(string answer, bool expected)
    {
        var handler = new Recorder(_ => (HttpStatusCode.OK, answer));
        var client = new ComfyUiHttpClient(new HttpClient(handler), Gpu);

        Assert.Equal(expected, await client.CancelJobAsync(PromptId, Ct));
        Assert.Equal($"POST /api/jobs/{PromptId}/cancel", Assert.Single(handler.Requests).Line);
    }

    [Fact]
    public async Task An_unknown_job_is_null_and_another_jobs_answer_is_refused()
    {
        var unknown = new ComfyUiHttpClient(new HttpClient(new Recorder(_ => (HttpStatusCode.NotFound, """{"error":"Job not found"}"""))), Gpu);
        Assert.Null(await unknown.GetJobAsync(PromptId, Ct));

        var confused = new ComfyUiHttpClient(new HttpClient(new Recorder(_ => (HttpStatusCode.OK, """{"id":"00000000-0000-0000-0000-000000000000","status":"completed"}"""))), Gpu);
        await Assert.ThrowsAsync<InvalidDataException>(() => confused.GetJobAsync(PromptId, Ct));
    }

    [Fact]
    public async Task The_list_asks_for_the_finished_statuses_newest_first()
    {
        var handler = new Recorder(_ => (HttpStatusCode.OK, """{"jobs":[{"id":"a","status":"completed"},{"id":"b"}],"pagination":{"total":9}}"""));
        var client = new ComfyUiHttpClient(new HttpClient(handler), Gpu);

        var page = await client.GetJobsAsync([ComfyUiJobStatus.Completed, ComfyUiJobStatus.Failed, ComfyUiJobStatus.Cancelled], 16, Ct);

        Assert.Equal("GET /api/jobs?status=completed,failed,cancelled&sort_by=created_at&sort_order=desc&limit=16", Assert.Single(handler.Requests).Line);
        Assert.Equal((1, 1, 9), (page.Jobs.Count, page.Skipped, page.Total));
    }

    private sealed record Seen(string Line, string? Body, bool SecFetchSite);

    private sealed class Recorder(Func<Seen, (HttpStatusCode Status, string Body)> answer) : HttpMessageHandler
    {
        public List<Seen> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var seen = new Seen(
                $"{request.Method} {request.RequestUri!.PathAndQuery}",
                body,
                request.Headers.Contains("Sec-Fetch-Site") || request.Content?.Headers.Contains("Sec-Fetch-Site") == true);
            Requests.Add(seen);
            var (status, text) = answer(seen);
            return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
        }
    }
}
