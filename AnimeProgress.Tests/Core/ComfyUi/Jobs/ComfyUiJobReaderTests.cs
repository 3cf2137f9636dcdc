using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Jobs;

namespace AnimeProgress.Tests.Core.ComfyUi.Jobs;

/// <summary>The newer server's job API answers (reference §9) are read at the boundary: one garbled job costs only itself.</summary>
public sealed class ComfyUiJobReaderTests
{
    private const string Failed = "b026ece2-2363-413e-aed6-8c2c32fe22c9";
    private const string Cancelled = "010d8a8e-cf18-44d1-b155-6b9700e19ee0";
    private const string Done = "ed8a4e5f-378b-4010-a092-58ede3b1e393";

    private static JsonObject Page(params string[] items) =>
        JsonNode.Parse("{\"jobs\":[" + string.Join(',', items) + "],\"pagination\":{\"offset\":0,\"limit\":10,\"total\":42,\"has_more\":true}}")!.AsObject();

    [Fact]
    public void A_failed_job_brings_its_error_and_comfyuis_own_times()
    {
        var page = ComfyUiJobReader.ReadPage(Page($$"""
            {"id":"{{Failed}}","status":"failed","priority":4,"create_time":1795912201000,"execution_start_time":1795912201812,
             "execution_end_time":1795912201824,"execution_error":{"node_id":"2","node_type":"ImageBlur","exception_type":"RuntimeError",
             "exception_message":"Padding size should be less than the input dimension\n"},"outputs_count":0}
            """));

        var job = Assert.Single(page.Jobs);
        Assert.Equal((Failed, ComfyUiJobStatus.Failed), (job.Id, job.Status));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795912201000), job.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795912201812), job.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795912201824), job.FinishedAt);
        Assert.Equal(("Padding size should be less than the input dimension", "ImageBlur", "RuntimeError"), (job.ErrorMessage, job.ErrorNodeType, job.ErrorType));
        Assert.Equal(42, page.Total);

        var history = job.ToHistory()!;
        Assert.Equal((HistoryOutcome.Error, "Padding size should be less than the input dimension", "ImageBlur"), (history.Outcome, history.ErrorMessage, history.ErrorNodeType));
        Assert.Equal((job.StartedAt, job.FinishedAt, job.CreatedAt), (history.StartedAt, history.FinishedAt, history.CreatedAt));
    }

    [Theory]
    [InlineData("completed", HistoryOutcome.Success)]
    [InlineData("failed", HistoryOutcome.Error)]
    [InlineData("cancelled", HistoryOutcome.Interrupted)]
    public void A_finished_status_becomes_the_matching_outcome(string status, HistoryOutcome outcome)
    {
        var job = ComfyUiJobReader.ReadJob(JsonNode.Parse($$"""{"id":"{{Cancelled}}","status":"{{status}}"}"""))!;

        Assert.True(job.IsFinished);
        Assert.Equal(outcome, job.ToHistory()!.Outcome);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("in_progress")]
    public void A_job_still_queued_or_running_has_no_outcome_yet(string status)
    {
        var job = ComfyUiJobReader.ReadJob(JsonNode.Parse($$"""{"id":"{{Done}}","status":"{{status}}","create_time":1795912196000}"""))!;

        Assert.False(job.IsFinished);
        Assert.Null(job.ToHistory());
    }

    [Fact]
    public void Garbled_items_are_skipped_and_counted_while_every_good_one_is_kept()
    {
        var page = ComfyUiJobReader.ReadPage(Page(
            $$"""{"id":"{{Done}}","status":"completed","execution_start_time":1795912196084,"execution_end_time":1795912201643}""",
            "null",
            "\"a string\"",
            "[1,2]",
            """{"status":"completed"}""",
            """{"id":17,"status":"completed"}""",
            """{"id":"","status":"completed"}""",
            $$"""{"id":"{{Failed}}","status":"exploded"}""",
            $$"""{"id":"{{Failed}}","status":null}""",
            "{\"id\":\"" + new string('x', 500) + "\",\"status\":\"completed\"}",
            $$"""{"id":"{{Cancelled}}","status":"cancelled","create_time":"soon","execution_start_time":-5,"execution_end_time":1e300,"execution_error":"boom"}""",
            $$"""{"id":"{{Failed}}","status":"failed","execution_error":{"exception_message":42,"node_type":["x"]},"workflow":"not an object"}"""));

        Assert.Equal([Done, Cancelled, Failed], page.Jobs.Select(j => j.Id));
        Assert.Equal(9, page.Skipped);
        var cancelled = page.Jobs[1];
        // Times and errors of the wrong type or out of range are read as absent, never thrown on.
        Assert.Equal((null, null, null, null), (cancelled.CreatedAt, cancelled.StartedAt, cancelled.FinishedAt, cancelled.ErrorMessage));
        var failed = page.Jobs[2];
        Assert.Equal((null, null, null), (failed.ErrorMessage, failed.ErrorNodeType, failed.Prompt));
        Assert.Equal(HistoryOutcome.Error, failed.ToHistory()!.Outcome);
    }

    [Fact]
    public void A_long_error_message_is_capped()
    {
        var job = ComfyUiJobReader.ReadJob(JsonNode.Parse($$$"""{"id":"{{{Failed}}}","status":"failed","execution_error":{"exception_message":"{{{new string('e', 5000)}}}"}}"""))!;

        Assert.True(job.ErrorMessage!.Length <= 2000);
        Assert.StartsWith("eeee", job.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_jobs_detail_brings_its_graph_and_client_id()
    {
        var job = ComfyUiJobReader.ReadJob(JsonNode.Parse("""
            {"id":"ed8a4e5f-378b-4010-a092-58ede3b1e393","status":"completed","workflow":{"prompt":{"9":{"class_type":"SaveImage","inputs":{"filename_prefix":"shot-7"}}},
             "extra_data":{"client_id":"pipeline","create_time":1795912196000}}}
            """))!;

        Assert.Equal(("pipeline", "shot-7"), (job.Prompt!.ClientId, job.Prompt.OutputPrefix));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"jobs\":null}")]
    [InlineData("{\"jobs\":{}}")]
    public void An_answer_without_a_job_list_is_refused(string body) =>
        Assert.Throws<InvalidDataException>(() => ComfyUiJobReader.ReadPage(JsonNode.Parse(body)!.AsObject()));

    [Theory]
    [InlineData("{\"jobs\":[],\"pagination\":{\"total\":-1}}")]
    [InlineData("{\"jobs\":[],\"pagination\":{\"total\":\"many\"}}")]
    [InlineData("{\"jobs\":[],\"pagination\":7}")]
    [InlineData("{\"jobs\":[]}")]
    public void A_missing_or_odd_total_is_read_as_unknown(string body) =>
        Assert.Null(ComfyUiJobReader.ReadPage(JsonNode.Parse(body)!.AsObject()).Total);
}
