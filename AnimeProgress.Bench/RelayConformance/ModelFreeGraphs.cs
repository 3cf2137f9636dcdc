using System.Text.Json.Nodes;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>
/// API-format graphs of nodes that need no model weights, so they run on the real ComfyUI on a CPU
/// (shared/tools/real-comfyui lists them). <c>SaveImageWebsocket</c> is the one such node that sends step progress and
/// previews (one step per image of its batch); a large <c>ImageBlur</c> is a slow node without progress, the place
/// where an interrupt or a reconnect lands independently of timing.
/// </summary>
internal static class ModelFreeGraphs
{
    /// <summary>
    /// Image → blur → sent over the socket step by step (node 4), and inverted (node 5) → saved to disk (node 3, for
    /// /history and /view). Not two output nodes on the same input: ComfyUI runs ready siblings in an order that comes
    /// from a Python set (hash-seeded per process), so two servers could run them in different orders. Here only node 4
    /// is an output when node 2 finishes, and ComfyUI runs a ready output node first: 1, 2, 4, 5, 3 on every server.
    /// </summary>
    public static JsonObject SavedAndStreamed(int size, int batch, int color, string prefix) => new()
    {
        ["1"] = Node("EmptyImage", new JsonObject { ["width"] = size, ["height"] = size, ["batch_size"] = batch, ["color"] = color }),
        ["2"] = Node("ImageBlur", new JsonObject { ["image"] = Link("1"), ["blur_radius"] = 3, ["sigma"] = 1 }),
        ["3"] = Node("SaveImage", new JsonObject { ["images"] = Link("5"), ["filename_prefix"] = prefix }),
        ["4"] = Node("SaveImageWebsocket", new JsonObject { ["images"] = Link("2") }),
        ["5"] = Node("ImageInvert", new JsonObject { ["image"] = Link("2") }),
    };

    /// <summary>Image → a slow, progress-less blur (node 2) → sent over the socket (node 3).</summary>
    public static JsonObject SlowBlurThenStreamed(int size, int batch, int color) => new()
    {
        ["1"] = Node("EmptyImage", new JsonObject { ["width"] = size, ["height"] = size, ["batch_size"] = batch, ["color"] = color }),
        ["2"] = Node("ImageBlur", new JsonObject { ["image"] = Link("1"), ["blur_radius"] = 20, ["sigma"] = 10 }),
        ["3"] = Node("SaveImageWebsocket", new JsonObject { ["images"] = Link("2") }),
    };

    private static JsonObject Node(string type, JsonObject inputs) => new() { ["inputs"] = inputs, ["class_type"] = type };

    private static JsonArray Link(string node) => [node, 0];
}
