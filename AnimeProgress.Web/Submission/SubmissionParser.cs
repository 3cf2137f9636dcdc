using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Submission;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// Reads the body of <c>POST /api/jobs</c> strictly: a JSON object with exactly the documented fields, each of its
/// type, the workflow an API-format graph (nodes with a <c>class_type</c> and <c>inputs</c>). Everything wrong is said,
/// field by field, before anything is submitted or stored. Field names match in any case, as JSON binding did.
/// </summary>
public sealed class SubmissionParser(InputLimits limits, Func<string, bool> isKnownInstance, Func<IEnumerable<string>> knownInstances, int maxPriority = 1000, Func<JsonObject, int>? defaultPriority = null)
{
    public const int MaxFrames = 1_000_000;
    private const int MaxNodeErrors = 5;
    private const int MaxEcho = 80;

    private static readonly string[] Fields = ["title", "kind", "workflow", "frames", "instance", "front", "priority", "needs"];
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public SubmissionCheck Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return Refused("body", "The body is empty; send a JSON object with at least title and workflow (see docs/api.md).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Refused("body", $"The body is not valid JSON ({ex.Message}).");
        }

        using (document)
        {
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? Check(root)
                : Refused("body", $"The body must be a JSON object with title and workflow (got {Describe(root)}).");
        }
    }

    private SubmissionCheck Check(JsonElement root)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var field = Fields.FirstOrDefault(f => string.Equals(f, property.Name, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                Add(errors, Echo(property.Name), $"Unknown field \"{Echo(property.Name)}\"; the fields are {string.Join(", ", Fields)}.");
            }
            else if (!fields.TryAdd(field, property.Value))
            {
                Add(errors, field, $"{field} is given more than once (names match in any case); send it once.");
            }
        }

        var title = Title(fields, errors);
        var kind = Kind(fields, errors);
        var workflow = Workflow(fields, errors);
        var frames = Frames(fields, errors);
        var instance = Instance(fields, errors);
        var front = Front(fields, errors);
        var priority = QueueFields.Priority(fields.TryGetValue("priority", out var p) ? p : null, maxPriority, e => Add(errors, "priority", e));
        var needs = QueueFields.Needs(fields.TryGetValue("needs", out var n) ? n : null, e => Add(errors, "needs", e));
        if (errors.Count > 0)
        {
            return new SubmissionCheck(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        var request = new JobRequest(title!, kind, workflow!)
        {
            Instance = instance, FramesTotal = frames, Front = front, Priority = priority ?? defaultPriority?.Invoke(workflow!) ?? 0, Needs = needs,
        };
        return new SubmissionCheck(request, new Dictionary<string, string[]>());
    }

    private string? Title(Dictionary<string, JsonElement> fields, Dictionary<string, List<string>> errors)
    {
        if (!fields.TryGetValue("title", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Add(errors, "title", "title is required: a non-empty string naming the job.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(errors, "title", $"title must be a string (got {Describe(value)}).");
            return null;
        }

        var title = value.GetString()!;
        if (string.IsNullOrWhiteSpace(title))
        {
            Add(errors, "title", "title must not be empty or only spaces.");
            return null;
        }

        if (title.Length > limits.MaxTitleLength)
        {
            Add(errors, "title", string.Create(
                CultureInfo.InvariantCulture,
                $"title is {title.Length} characters; at most {limits.MaxTitleLength} are allowed ({InputLimits.Section}:{nameof(InputLimits.MaxTitleLength)})."));
            return null;
        }

        return title;
    }

    private static JobKind Kind(Dictionary<string, JsonElement> fields, Dictionary<string, List<string>> errors)
    {
        if (!fields.TryGetValue("kind", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return JobKind.Image;
        }

        // Named values only: Enum.TryParse would also take "42" or "0" and make a kind that does not exist.
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.Equals(text, "image", StringComparison.OrdinalIgnoreCase))
        {
            return JobKind.Image;
        }

        if (string.Equals(text, "video", StringComparison.OrdinalIgnoreCase))
        {
            return JobKind.Video;
        }

        Add(errors, "kind", $"kind must be \"image\" or \"video\" (got {Describe(value)}).");
        return JobKind.Image;
    }

    private static JsonObject? Workflow(Dictionary<string, JsonElement> fields, Dictionary<string, List<string>> errors)
    {
        if (!fields.TryGetValue("workflow", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Add(errors, "workflow", "workflow is required: an API-format ComfyUI graph, an object of nodes as ComfyUI's \"Save (API)\" writes it.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Add(errors, "workflow", $"workflow must be an object of nodes (\"Save (API)\" format) (got {Describe(value)}).");
            return null;
        }

        var problems = new List<string>();
        var nodes = 0;
        foreach (var node in value.EnumerateObject())
        {
            nodes++;
            if (NodeProblem(node) is { } problem)
            {
                problems.Add(problem);
            }
        }

        if (nodes == 0)
        {
            Add(errors, "workflow", "workflow has no nodes; it must hold at least one.");
            return null;
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems.Take(MaxNodeErrors))
            {
                Add(errors, "workflow", problem);
            }

            if (problems.Count > MaxNodeErrors)
            {
                Add(errors, "workflow", $"{problems.Count - MaxNodeErrors} more workflow nodes have the same kind of problem.");
            }

            return null;
        }

        return JsonObject.Create(value.Clone());
    }

    private static string? NodeProblem(JsonProperty node)
    {
        var id = Echo(node.Name);
        if (node.Value.ValueKind != JsonValueKind.Object)
        {
            return $"workflow node \"{id}\" must be an object with \"class_type\" and \"inputs\" (got {Describe(node.Value)}).";
        }

        var classType = node.Value.TryGetProperty("class_type", out var c) ? c : default;
        if (classType.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(classType.GetString()))
        {
            var got = classType.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(classType);
            return $"workflow node \"{id}\" needs \"class_type\": a non-empty string naming the node type (got {got}).";
        }

        var inputs = node.Value.TryGetProperty("inputs", out var i) ? i : default;
        if (inputs.ValueKind != JsonValueKind.Object)
        {
            var got = inputs.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(inputs);
            return $"workflow node \"{id}\" needs \"inputs\": an object of the node's inputs (got {got}).";
        }

        return null;
    }

    private static int? Frames(Dictionary<string, JsonElement> fields, Dictionary<string, List<string>> errors)
    {
        if (!fields.TryGetValue("frames", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var frames) && frames is >= 1 and <= MaxFrames)
        {
            return frames;
        }

        Add(errors, "frames", string.Create(CultureInfo.InvariantCulture, $"frames must be a whole number from 1 to {MaxFrames} (got {Describe(value)})."));
        return null;
    }

    private string? Instance(Dictionary<string, JsonElement> fields, Dictionary<string, List<string>> errors)
    {
        if (!fields.TryGetValue("instance", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(errors, "instance", $"instance must be a string naming a configured ComfyUI instance (got {Describe(value)}).");
            return null;
        }

        var name = value.GetString()!;
        if (!isKnownInstance(name))
        {
            var known = string.Join(", ", knownInstances().Take(20));
            Add(errors, "instance", $"instance \"{Echo(name)}\" is not a configured ComfyUI instance (configured: {(known.Length == 0 ? "none" : known)}); "
                + "leave instance out to use the least loaded one.");
            return null;
        }

        return name;
    }

    private static bool Front(Dictionary<string, JsonElement> fields, Dictionary<string, List<string>> errors)
    {
        if (!fields.TryGetValue("front", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Add(errors, "front", $"front must be true or false (got {Describe(value)}).");
        return false;
    }

    /// <summary>What a value was, for the sentence: its type, and the value itself when it is short.</summary>
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Echo(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Echo(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // Echoed client text is short and visibly cut: an answer must not carry a megabyte back.
    private static string Echo(string text) => BoundedText.Cap(text, MaxEcho)!;

    private static void Add(Dictionary<string, List<string>> errors, string field, string sentence)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(sentence);
    }

    private static SubmissionCheck Refused(string field, string sentence) =>
        new(null, new Dictionary<string, string[]> { [field] = [sentence] });
}
