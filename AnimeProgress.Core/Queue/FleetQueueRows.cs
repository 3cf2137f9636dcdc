using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Queue;
using AnimeProgress.Core.Submission;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Queue;

/// <summary>Between a <see cref="JobRequest"/>, its <see cref="FleetQueueRow"/> and the tracker's registration.</summary>
public static class FleetQueueRows
{
    // The fixed prompt id lives in the extra_data column (no column of its own, so no migration): wrapped as
    // {"animeprogress_prompt_id": id, "extra_data": the client's}, unwrapped before anything reaches ComfyUI.
    private const string FixedPromptIdKey = "animeprogress_prompt_id";
    private const string ExtraDataKey = "extra_data";

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
            ExtraData = StoredExtraData(request.ExtraData, request.PromptId),
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
        // A retry is a new prompt: it never takes the fixed prompt id of the job it retries.
        ExtraData = ExtraDataOf(row),
        Priority = row.Priority,
        Needs = NeedsOf(row),
        SubmittedBy = submittedBy,
        RetryOf = row.JobId,
    };

    /// <summary>
    /// The row's <c>extra_data</c> for ComfyUI, without the fixed prompt id kept beside it (<see cref="FixedPromptIdOf"/>).
    /// </summary>
    public static JsonObject? ExtraDataOf(FleetQueueRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.ExtraData is null || JsonNode.Parse(row.ExtraData) is not JsonObject stored)
        {
            return null;
        }

        if (!stored.ContainsKey(FixedPromptIdKey))
        {
            return stored;
        }

        var extra = stored[ExtraDataKey] as JsonObject;
        stored.Remove(ExtraDataKey);
        return extra;
    }

    /// <summary>The prompt id every dispatch of this job must use (a fleet-relayed prompt, issue 17); null: a new one per dispatch.</summary>
    public static string? FixedPromptIdOf(FleetQueueRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.ExtraData is null || !row.ExtraData.Contains(FixedPromptIdKey, StringComparison.Ordinal))
        {
            return null;
        }

        return JsonNode.Parse(row.ExtraData) is JsonObject stored && stored[FixedPromptIdKey] is JsonValue value && value.TryGetValue(out string? id) ? id : null;
    }

    private static string? StoredExtraData(JsonObject? extraData, string? promptId)
    {
        // A client's own extra_data that happens to use the key is wrapped too, so it can never fix a prompt id itself.
        if (promptId is null && extraData?.ContainsKey(FixedPromptIdKey) != true)
        {
            return extraData?.ToJsonString();
        }

        var wrapped = new JsonObject { [FixedPromptIdKey] = promptId };
        if (extraData is not null)
        {
            wrapped[ExtraDataKey] = extraData.DeepClone();
        }

        return wrapped.ToJsonString();
    }

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
