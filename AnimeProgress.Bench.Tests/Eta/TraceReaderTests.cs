using AnimeProgress.Bench.Eta;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Tests.Eta;

public sealed class TraceReaderTests
{
    private const string Header = """{"job": {"kind": "video", "workflow": "wan-i2v", "instance": "gpu-2"}}""";

    private static JobTrace Read(params string[] lines) => TraceReader.Read(new StringReader(string.Join("\n", lines)), "job-0007.jsonl");

    [Fact]
    public void A_trace_gives_the_job_facts_and_its_observations_in_order()
    {
        var trace = Read(
            Header,
            """{"t": 0, "percent": null, "stage": "Queued", "status": "queued"}""",
            """{"t": 12.5, "percent": 0, "stage": "Initializing", "status": "running"}""",
            "",
            """{"t": 40, "percent": 61.5, "stage": "Post-processing", "status": "running"}""",
            """{"t": 52, "percent": 100, "stage": "Completed", "status": "completed"}""");

        Assert.Equal((JobKind.Video, "wan-i2v", "gpu-2"), (trace.Kind, trace.Workflow, trace.Instance));
        Assert.Equal([0, 12.5, 40, 52], trace.Points.Select(p => p.T));
        Assert.Equal(new TracePoint(40, 61.5, Stage.PostProcessing, TraceStatus.Running), trace.Points[2]);
        Assert.Equal((12.5, 52.0), (trace.RunStart, trace.Finish));
        Assert.False(trace.Failed);
    }

    [Fact]
    public void Without_a_header_the_job_is_an_image_job_with_unknown_workflow_and_instance()
    {
        var trace = Read("""{"t": 0, "percent": 5, "stage": "Rendering", "status": "running"}""");

        Assert.Equal((JobKind.Image, null, null), (trace.Kind, trace.Workflow, trace.Instance));
        Assert.Null(trace.Finish);
    }

    [Theory]
    [InlineData("""{"t": 3, "percent": 10, "stage": "Rendering", "status": "running" """, "not valid JSON")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{"percent": 10, "stage": "Rendering", "status": "running"}""", "\"t\" must be a number")]
    [InlineData("""{"t": -1, "percent": 10, "stage": "Rendering", "status": "running"}""", "\"t\" must be a number")]
    [InlineData("""{"t": 3, "percent": 140, "stage": "Rendering", "status": "running"}""", "\"percent\" must be a number from 0 to 100")]
    [InlineData("""{"t": 3, "percent": "ten", "stage": "Rendering", "status": "running"}""", "\"percent\" must be a number from 0 to 100")]
    [InlineData("""{"t": 3, "percent": 10, "stage": "Dreaming", "status": "running"}""", "unknown stage \"Dreaming\"")]
    [InlineData("""{"t": 3, "percent": 10, "stage": "Rendering", "status": "paused"}""", "\"status\" must be queued, running, completed or failed")]
    [InlineData("""{"t": 1, "percent": 10, "stage": "Rendering", "status": "running"}""", "\"t\" goes backwards")]
    [InlineData(Header, "header may only be the first line")]
    public void A_bad_line_is_reported_with_the_file_and_line_number(string badLine, string problem)
    {
        var error = Assert.Throws<TraceFormatException>(() => Read(
            Header,
            """{"t": 2, "percent": 5, "stage": "Rendering", "status": "running"}""",
            badLine));

        Assert.StartsWith("job-0007.jsonl:3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(("job-0007.jsonl", 3), (error.File, error.Line));
    }

    [Fact]
    public void An_observation_after_the_job_completed_is_an_error()
    {
        var error = Assert.Throws<TraceFormatException>(() => Read(
            """{"t": 2, "percent": 100, "stage": "Completed", "status": "completed"}""",
            """{"t": 3, "percent": 100, "stage": "Completed", "status": "running"}"""));

        Assert.Equal("job-0007.jsonl:2: observation after the job completed", error.Message);
    }

    [Fact]
    public void A_bad_header_or_an_empty_file_is_an_error()
    {
        Assert.Equal(
            "job-0007.jsonl:1: \"kind\" must be \"image\" or \"video\", not \"audio\"",
            Assert.Throws<TraceFormatException>(() => Read("""{"job": {"kind": "audio"}}""")).Message);
        Assert.Equal(
            "job-0007.jsonl:1: no observations in the file",
            Assert.Throws<TraceFormatException>(() => Read(Header)).Message);
    }
}
