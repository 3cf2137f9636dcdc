using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>How a prompt AnimeProgress did not submit is named and classified from what /queue (or a history's <c>prompt</c>) shows.</summary>
internal static class ForeignJobs
{
    private static readonly string[] VideoMarkers = ["Video", "VHS_", "Animated", "WEBM"];

    public static bool IsVideoNode(string classType) =>
        VideoMarkers.Any(m => classType.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first output prefix or node title the graph names, else the prompt id.</summary>
    public static string TitleOf(QueueItem item)
    {
        if (item.OutputPrefix is { } prefix)
        {
            return $"{prefix} ({Short(item.PromptId)})";
        }

        return $"ComfyUI prompt {Short(item.PromptId)}";
    }

    /// <summary>Who submitted a prompt, from its client id: nobody (broadcast), AnimeProgress, or another program.</summary>
    public static JobSource SourceOf(string? clientId, string? ownClientId) =>
        clientId is null ? JobSource.Broadcast
        : clientId == ownClientId ? JobSource.AnimeProgress
        : JobSource.External;

    /// <summary>A queued job for a prompt first seen on an instance, named and classified from its graph.</summary>
    public static TrackedJob NewJob(long id, QueueItem item, string instance, string? ownClientId, DateTimeOffset acceptedAt, DateTimeOffset now)
    {
        var graph = WorkflowGraph.Parse(item.Graph, item.Outputs);
        var kind = graph.Nodes.Values.Any(n => IsVideoNode(n.ClassType)) ? JobKind.Video : JobKind.Image;
        return new QueuedJob(id, TitleOf(item), kind, instance, item.PromptId, graph, WorkflowKey.Compute(item.Graph))
        {
            Source = SourceOf(item.ClientId, ownClientId),
            FramesTotal = kind == JobKind.Video ? graph.FrameCount : null,
            AcceptedAt = acceptedAt,
        }.Track(now);
    }

    private static string Short(string promptId) => promptId.Length > 8 ? promptId[..8] : promptId;
}
