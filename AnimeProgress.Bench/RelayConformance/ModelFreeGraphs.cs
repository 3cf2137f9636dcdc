using System.Text.Json.Nodes;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>
/// API-format graphs of nodes that need no model weights, so they run on the real ComfyUI on a CPU
/// (shared/tools/real-comfyui lists them). <c>SaveImageWebsocket</c> is the one such node that sends step progress and
/// previews (one step per image of its batch); a large <c>ImageBlur</c> is a slow node without progress, the place
/// where an interrupt or a reconnect lands independently of timing. Every graph is a chain: ComfyUI runs ready sibling
/// nodes in an order that comes from a Python set, which need not be the same on two server processes.
/// </summary>
internal static class ModelFreeGraphs
{
    /// <summary>Image → blur (node 2, no progress) → sent over the socket step by step, one step per image (node 3).</summary>
    public static JsonObject BlurThenStreamed(int size, int batch, int color, int blurRadius) => new()
    {
        ["1"] = Node("EmptyImage", new JsonObject { ["width"] = size, ["height"] = size, ["batch_size"] = batch, ["color"] = color }),
        ["2"] = Node("ImageBlur", new JsonObject { ["image"] = Link("1"), ["blur_radius"] = blurRadius, ["sigma"] = 10 }),
        ["3"] = Node("SaveImageWebsocket", new JsonObject { ["images"] = Link("2") }),
    };

    /// <summary>
    /// Image → inverted → saved to disk (for /history and /view). Its own prompt: a saved PNG carries the prompt, and
    /// in a graph with <c>SaveImageWebsocket</c> that includes the node's <c>is_changed</c> (the server's clock).
    /// </summary>
    public static JsonObject Saved(int size, int color, string prefix) => new()
    {
        ["1"] = Node("EmptyImage", new JsonObject { ["width"] = size, ["height"] = size, ["batch_size"] = 1, ["color"] = color }),
        ["2"] = Node("ImageInvert", new JsonObject { ["image"] = Link("1") }),
        ["3"] = Node("SaveImage", new JsonObject { ["images"] = Link("2"), ["filename_prefix"] = prefix }),
    };

    private static JsonObject Node(string type, JsonObject inputs) => new() { ["inputs"] = inputs, ["class_type"] = type };

    private static JsonArray Link(string node) => [node, 0];
}
