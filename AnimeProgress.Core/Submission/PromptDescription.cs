using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Submission;

/// <summary>
/// How a prompt someone else wrote (a pipeline's, ComfyUI's frontend's) is named and classified when AnimeProgress
/// submits it for them (the relay, issue 17): as a prompt found in a queue would be, from its graph.
/// </summary>
public sealed record PromptDescription(string Title, JobKind Kind, int? FramesTotal)
{
    public static PromptDescription Of(JsonObject graph, string promptId)
    {
        var parsed = WorkflowGraph.Parse(graph);
        var kind = parsed.Nodes.Values.Any(n => ForeignJobs.IsVideoNode(n.ClassType)) ? JobKind.Video : JobKind.Image;
        var shortId = promptId.Length > 8 ? promptId[..8] : promptId;
        var title = GraphOutputPrefix.Find(graph) is { } prefix ? $"{prefix} ({shortId})" : $"ComfyUI prompt {shortId}";
        return new PromptDescription(title, kind, kind == JobKind.Video ? parsed.FrameCount : null);
    }
}
