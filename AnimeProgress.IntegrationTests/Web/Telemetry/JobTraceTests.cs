using System.Diagnostics;
using AnimeProgress.Core.Telemetry;

namespace AnimeProgress.IntegrationTests.Web.Telemetry;

/// <summary>
/// One job's trace, as an OTLP collector would receive it (here an in-memory exporter): the API request, the submission,
/// the dispatch with its HTTP POST to ComfyUI, each ComfyUI message about the job, the snapshots, the hub's deliveries
/// and the circuit's renders, all in the submission's trace, each carrying the job id.
/// </summary>
public sealed class JobTraceTests(ObservedDemo demo) : IClassFixture<ObservedDemo>
{
    [Fact]
    public async Task A_job_is_traced_from_its_submission_to_the_circuit_render_under_one_trace_with_its_id()
    {
        var page = await demo.OpenDashboardAsync();
        var id = await demo.SubmitAsync("traced job");

        // Done and rendered: the completion's render span is the last hop.
        var spans = await Eventually.Get(() =>
        {
            var all = demo.Spans();
            return all.Any(s => s.DisplayName == JobTracing.CircuitRender && JobId(s) == id
                && all.Any(m => m.DisplayName == JobTracing.Message && JobId(m) == id && (string?)m.GetTagItem(JobTracing.MessageType) == "ExecutionSuccessEvent"))
                ? all
                : null;
        }, TimeSpan.FromSeconds(60), $"job {id}'s completion rendered");

        var submit = Assert.Single(spans, s => s.DisplayName == JobTracing.Submit && JobId(s) == id);
        var trace = submit.TraceId;
        var inTrace = spans.Where(s => s.TraceId == trace).ToList();

        // The submission sits under the API request that made it.
        var request = Assert.Single(inTrace, s => s.SpanId == submit.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST", request.GetTagItem("http.request.method"));

        // Dispatch under the submission, ComfyUI's POST /prompt under the dispatch.
        var dispatch = Assert.Single(inTrace, s => s.DisplayName == JobTracing.Dispatch);
        Assert.Equal(submit.SpanId, dispatch.ParentSpanId);
        var post = Assert.Single(inTrace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == dispatch.SpanId);
        Assert.EndsWith("/prompt", post.GetTagItem("url.full") as string, StringComparison.Ordinal);

        // Every ComfyUI message about the job, from its start to its success, under the submission.
        var messages = inTrace.Where(s => s.DisplayName == JobTracing.Message).ToList();
        var types = messages.Select(m => (string?)m.GetTagItem(JobTracing.MessageType)).ToHashSet();
        Assert.Superset(new HashSet<string?> { "ExecutionStartEvent", "ExecutingEvent", "ProgressEvent", "ExecutionSuccessEvent" }, types);
        Assert.All(messages, m => Assert.Equal(submit.SpanId, m.ParentSpanId));

        // Snapshot under a message, hub delivery under a snapshot, render under a delivery: the chain, hop by hop.
        var snapshots = inTrace.Where(s => s.DisplayName == JobTracing.Snapshot).ToList();
        Assert.Contains(snapshots, s => messages.Any(m => m.SpanId == s.ParentSpanId));
        var deliveries = inTrace.Where(s => s.DisplayName == JobTracing.HubDelivery).ToList();
        Assert.Contains(deliveries, d => (string?)d.GetTagItem("animeprogress.subscriber") == "circuit" && snapshots.Any(s => s.SpanId == d.ParentSpanId));
        var renders = inTrace.Where(s => s.DisplayName == JobTracing.CircuitRender).ToList();
        Assert.NotEmpty(renders);
        Assert.All(renders, r => Assert.Contains(deliveries, d => d.SpanId == r.ParentSpanId && (string?)d.GetTagItem("animeprogress.subscriber") == "circuit"));

        // Every span of ours in the trace names the job; no span of ours about this job is outside it.
        Assert.All(inTrace.Where(s => s.Source.Name == JobTracing.SourceName), s => Assert.Equal(id, JobId(s)));
        Assert.All(spans.Where(s => JobId(s) == id), s => Assert.Equal(trace, s.TraceId));
        await page.Context.CloseAsync();
    }

    private static long? JobId(Activity span) => span.GetTagItem(TelemetryNames.JobId) as long?;
}
