using System.Text.Json.Nodes;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>One entry of <c>/queue</c> or a history's <c>prompt</c>: [number, prompt_id, graph, extra_data, outputs].</summary>
public sealed record QueueItem(double Number, string PromptId, JsonObject? Graph, JsonObject? ExtraData, IReadOnlyList<string> Outputs)
{
    public string? ClientId => ExtraData?["client_id"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? ExtraData["client_id"]!.GetValue<string>()
        : null;
}

/// <summary><c>GET /queue</c>: the running prompt (0 or 1) and the pending ones in execution order.</summary>
public sealed record QueueState(IReadOnlyList<QueueItem> Running, IReadOnlyList<QueueItem> Pending)
{
    public static QueueState Empty { get; } = new([], []);

    public bool Contains(string promptId) =>
        Running.Any(i => i.PromptId == promptId) || Pending.Any(i => i.PromptId == promptId);

    /// <summary>1-based position among pending prompts, or null.</summary>
    public int? PositionOf(string promptId)
    {
        for (var i = 0; i < Pending.Count; i++)
        {
            if (Pending[i].PromptId == promptId)
            {
                return i + 1;
            }
        }

        return null;
    }
}
