using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Core.Tracking;

/// <summary>How a prompt AnimeProgress did not submit is named and classified from what /queue shows.</summary>
internal static class ForeignJobs
{
    private static readonly string[] VideoMarkers = ["Video", "VHS_", "Animated", "WEBM"];

    public static bool IsVideoNode(string classType) =>
        VideoMarkers.Any(m => classType.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first output prefix or node title the graph names, else the prompt id.</summary>
    public static string TitleOf(QueueItem item)
    {
        if (item.Graph is { } graph)
        {
            foreach (var (_, value) in graph)
            {
                if (value is JsonObject node
                    && node["inputs"]?["filename_prefix"] is JsonValue prefix
                    && prefix.TryGetValue(out string? text)
                    && !string.IsNullOrWhiteSpace(text)
                    && text != "ComfyUI")
                {
                    return $"{text} ({Short(item.PromptId)})";
                }
            }
        }

        return $"ComfyUI prompt {Short(item.PromptId)}";
    }

    private static string Short(string promptId) => promptId.Length > 8 ? promptId[..8] : promptId;
}
