using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// One entry of <c>/queue</c> or a history's <c>prompt</c>: [number, prompt_id, graph, extra_data, outputs].
/// Read from <c>/queue</c>, the graph is kept as its JSON text and parsed only when someone asks for it: a queue
/// read sees every prompt, but only the prompts that start being followed need their graph as a tree, and tens of
/// thousands of trees per read were most of the app's memory with a long queue.
/// </summary>
public sealed class QueueItem
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 256, AllowDuplicateProperties = false };

    private readonly byte[]? _graphJson;
    private JsonObject? _graph;
    private bool _graphRead;
    private string? _outputPrefix;
    private bool _outputPrefixRead;

    /// <summary>An item whose graph is already a tree (a history entry, a test, a benchmark).</summary>
    public QueueItem(double number, string promptId, JsonObject? graph, JsonObject? extraData, IReadOnlyList<string> outputs)
        : this(number, promptId, ClientIdOf(extraData), outputs)
    {
        _graph = graph;
        _graphRead = true;
    }

    private QueueItem(double number, string promptId, string? clientId, IReadOnlyList<string> outputs, byte[]? graphJson = null)
    {
        Number = number;
        PromptId = promptId;
        ClientId = clientId;
        Outputs = outputs;
        _graphJson = graphJson;
        _graphRead = graphJson is null;
    }

    /// <summary>An item whose graph is the given JSON text, parsed on first use.</summary>
    internal static QueueItem FromGraphText(double number, string promptId, byte[]? graphJson, string? clientId, IReadOnlyList<string> outputs) =>
        new(number, promptId, clientId, outputs, graphJson);

    public double Number { get; }

    public string PromptId { get; }

    /// <summary>The client id the prompt was queued with (<c>extra_data.client_id</c>), or null for none.</summary>
    public string? ClientId { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>
    /// The graph, or null when the prompt had none or its graph is not a valid JSON object (duplicate keys
    /// included): that one prompt is then followed without step detail, and nothing else is affected.
    /// </summary>
    public JsonObject? Graph
    {
        get
        {
            if (!_graphRead)
            {
                _graph = ParseGraph(_graphJson!);
                _graphRead = true;
            }

            return _graph;
        }
    }

    /// <summary>The first <c>filename_prefix</c> the graph names (not ComfyUI's default), found without building the tree.</summary>
    public string? OutputPrefix
    {
        get
        {
            if (!_outputPrefixRead)
            {
                _outputPrefix = _graphJson is not null && _graph is null
                    ? GraphOutputPrefix.Find(_graphJson)
                    : GraphOutputPrefix.Find(_graph);
                _outputPrefixRead = true;
            }

            return _outputPrefix;
        }
    }

    private static JsonObject? ParseGraph(byte[] json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: Strict) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ClientIdOf(JsonObject? extraData) =>
        extraData?["client_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : null;
}
