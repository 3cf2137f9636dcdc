using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Queue;
using AnimeProgress.Core.Submission;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Queue;

/// <summary>Between a <see cref="JobRequest"/>, its <see cref="FleetQueueRow"/> and the tracker's registration.</summary>
public static class FleetQueueRows
{
    public static FleetQueueRow FromRequest(long jobId, JobRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var needs = request.Needs ?? JobNeeds.None;
        return new FleetQueueRow
        {
            JobId = jobId,
            Title = request.Title,
            Kind = request.Kind == JobKind.Video ? "video" : "image",
            Workflow = request.Workflow.ToJsonString(),
            ExtraData = request.ExtraData?.ToJsonString(),
            FramesTotal = request.FramesTotal,
            PinnedInstance = request.Instance,
            Priority = request.Priority,
            NeedsVramGb = needs.VramGb,
            NeedsLabels = JobNeeds.LabelsToColumn(needs.Labels),
            NeedsModels = JobNeeds.ModelsToColumn(needs.Models),
            SubmittedBy = request.SubmittedBy,
            SubmittedAt = now,
            RetryOf = request.RetryOf,
        };
    }

    /// <summary>The same job again (a retry): same graph, needs, priority, pin and title; a new id, linked to this one.</summary>
    public static JobRequest ToRequest(FleetQueueRow row, string? submittedBy) => new(row.Title, KindOf(row), Graph(row))
    {
        Instance = row.PinnedInstance,
        FramesTotal = row.FramesTotal,
        ExtraData = row.ExtraData is null ? null : JsonNode.Parse(row.ExtraData) as JsonObject,
        Priority = row.Priority,
        Needs = NeedsOf(row),
        SubmittedBy = submittedBy,
        RetryOf = row.JobId,
    };

    public static JobNeeds NeedsOf(FleetQueueRow row) => new()
    {
        VramGb = row.NeedsVramGb,
        Labels = JobNeeds.LabelsFromColumn(row.NeedsLabels),
        Models = JobNeeds.ModelsFromColumn(row.NeedsModels),
    };

    public static JobKind KindOf(FleetQueueRow row) => row.Kind == "video" ? JobKind.Video : JobKind.Image;

    public static JsonObject Graph(FleetQueueRow row) => JsonNode.Parse(row.Workflow) as JsonObject ?? [];

    public static JobRegistration Registration(FleetQueueRow row, string? instance, string? promptId) =>
        new(row.Title, KindOf(row), instance, promptId, Graph(row), row.FramesTotal) { SubmittedBy = row.SubmittedBy };
}
