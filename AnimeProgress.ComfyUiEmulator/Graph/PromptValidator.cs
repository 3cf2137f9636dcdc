using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;
using AnimeProgress.ComfyUiEmulator.NodeCatalog;

namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>
/// ComfyUI's prompt validation: every class must exist, at least one output node must exist,
/// and each output is checked with everything it depends on. Valid outputs run; invalid ones
/// are reported in node_errors (the whole prompt is rejected only when no output is valid).
/// </summary>
/// <param name="missingNodeType">Newer servers (reference §9) word a missing or unknown class as missing_node_type.</param>
internal sealed class PromptValidator(KnownNodes nodes, bool missingNodeType = false)
{
    private static ValidationOutcome MissingNodeType(string message, PromptNode node, string? title) =>
        new(false, ValidationOutcome.Describe("missing_node_type", message, $"Node ID '#{node.Id}'", new JsonObject
        {
            ["node_id"] = node.Id,
            ["class_type"] = node.ClassType,
            ["node_title"] = title,
        }), [], []);

    public ValidationOutcome Validate(JsonObject prompt, IReadOnlyCollection<string>? partialTargets)
    {
        var graph = PromptGraph.From(prompt);
        var outputs = new List<string>();
        foreach (var node in graph.Nodes)
        {
            if (node.ClassType is null)
            {
                return missingNodeType
                    ? MissingNodeType($"Node '{node.Title ?? $"ID #{node.Id}"}' has no class_type. The workflow may be corrupted or a custom node is missing.", node, node.Title)
                    : ValidationOutcome.Rejected("invalid_prompt", "Cannot execute because a node is missing the class_type property.", $"Node ID '#{node.Id}'");
            }
            var definition = nodes.Find(node.ClassType);
            if (definition is null)
            {
                // The title defaults to the class name here (execution.py: _meta.get('title', class_type)).
                var title = node.Title ?? node.ClassType;
                return missingNodeType
                    ? MissingNodeType($"Node '{title}' not found. The custom node may not be installed.", node, title)
                    : ValidationOutcome.Rejected("invalid_prompt", $"Cannot execute because node {node.ClassType} does not exist.", $"Node ID '#{node.Id}'");
            }
            if (definition.IsOutputNode && (partialTargets is null || partialTargets.Contains(node.Id)))
            {
                outputs.Add(node.Id);
            }
        }
        if (outputs.Count == 0)
        {
            return ValidationOutcome.Rejected("prompt_no_outputs", "Prompt has no outputs", "");
        }

        // ComfyUI walks a Python set of outputs (no fixed order); numeric id order is a stable stand-in.
        outputs.Sort(CompareIds);
        var run = new Run(graph, nodes);
        var good = new List<string>();
        var failed = new List<(string Output, JsonArray Reasons)>();
        var nodeErrors = new JsonObject();
        foreach (var output in outputs)
        {
            var (valid, reasons) = run.ValidateOutput(output);
            if (valid)
            {
                good.Add(output);
                continue;
            }
            failed.Add((output, reasons));
            // As in ComfyUI, every node validated so far that carries reasons is attributed to
            // this output; nodes that are invalid only because of an upstream error are left out.
            foreach (var (id, (ok, nodeReasons)) in run.Validated)
            {
                if (ok || nodeReasons.Count == 0)
                {
                    continue;
                }
                if (nodeErrors[id] is not JsonObject entry)
                {
                    entry = new JsonObject
                    {
                        ["errors"] = nodeReasons.DeepClone(),
                        ["dependent_outputs"] = new JsonArray(),
                        ["class_type"] = graph.Find(id)!.ClassType,
                    };
                    nodeErrors[id] = entry;
                }
                entry["dependent_outputs"]!.AsArray().Add(output);
            }
        }
        if (good.Count == 0)
        {
            var details = string.Join("\n", failed.SelectMany(f => f.Reasons).Select(r => $"{r!["message"]}: {r["details"]}"));
            return new ValidationOutcome(false, ValidationOutcome.Describe("prompt_outputs_failed_validation", "Prompt outputs failed validation", details), [], nodeErrors);
        }
        return new ValidationOutcome(true, null, good, nodeErrors);
    }

    internal static int CompareIds(string a, string b)
    {
        var aNumeric = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var an);
        var bNumeric = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var bn);
        return aNumeric && bNumeric ? an.CompareTo(bn) : aNumeric ? -1 : bNumeric ? 1 : string.CompareOrdinal(a, b);
    }

    /// <summary>Python exceptions escaping validation (a link to a missing node, a bad slot…).</summary>
    private sealed class ValidationCrash(string type, string message) : Exception(message)
    {
        public string PythonType => type;
    }

    /// <summary>State of one validation pass: results per node, in the order they were decided.</summary>
    private sealed class Run(PromptGraph graph, KnownNodes nodes)
    {
        private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

        public List<(string Id, (bool Ok, JsonArray Reasons) Result)> Validated { get; } = [];

        public (bool Ok, JsonArray Reasons) ValidateOutput(string output)
        {
            try
            {
                return ValidateNode(output);
            }
            catch (ValidationCrash crash)
            {
                var reasons = new JsonArray(ValidationOutcome.Describe("exception_during_validation", "Exception when validating node", crash.Message,
                    new JsonObject { ["exception_type"] = crash.PythonType, ["traceback"] = new JsonArray() }));
                Record(output, (false, reasons));
                return (false, reasons);
            }
        }

        private (bool Ok, JsonArray Reasons)? Find(string id)
        {
            foreach (var (key, result) in Validated)
            {
                if (key == id)
                {
                    return result;
                }
            }
            return null;
        }

        private void Record(string id, (bool, JsonArray) result)
        {
            Validated.RemoveAll(v => v.Id == id);
            Validated.Add((id, result));
        }

        private (bool Ok, JsonArray Reasons) ValidateNode(string id)
        {
            if (Find(id) is { } known)
            {
                return known;
            }
            if (!_inProgress.Add(id))
            {
                throw new ValidationCrash("RecursionError", "maximum recursion depth exceeded");
            }
            try
            {
                var node = graph.Find(id)!;
                var definition = nodes.Find(node.ClassType)!;
                var errors = new JsonArray();
                var valid = true;
                foreach (var (spec, required) in definition.AllInputs)
                {
                    if (!node.Inputs.ContainsKey(spec.Name))
                    {
                        if (required)
                        {
                            errors.Add(ValidationOutcome.Describe("required_input_missing", "Required input is missing", spec.Name,
                                new JsonObject { ["input_name"] = spec.Name }));
                        }
                        continue;
                    }
                    var value = node.Inputs[spec.Name];
                    if (value is JsonArray list)
                    {
                        valid &= CheckLink(spec, list, errors);
                    }
                    else
                    {
                        CheckLiteral(node, spec, value, errors);
                    }
                }
                var result = (valid && errors.Count == 0, errors);
                Record(id, result);
                return result;
            }
            finally
            {
                _inProgress.Remove(id);
            }
        }

        /// <summary>Returns false when the upstream node is invalid (the error is reported there).</summary>
        private bool CheckLink(InputSpec spec, JsonArray list, JsonArray errors)
        {
            if (list.Count != 2)
            {
                errors.Add(ValidationOutcome.Describe("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]", spec.Name,
                    new JsonObject { ["input_name"] = spec.Name, ["input_config"] = InputConfig(spec), ["received_value"] = list.DeepClone() }));
                return true;
            }
            if (!NodeLink.TryParse(list, out var link) || graph.Find(link.SourceId) is not { } source)
            {
                throw new ValidationCrash("KeyError", PyJson.Repr(list[0]));
            }
            var sourceDefinition = nodes.Find(source.ClassType)!;
            if (link.Slot >= sourceDefinition.OutputTypes.Count)
            {
                throw new ValidationCrash("IndexError", "tuple index out of range");
            }
            var received = sourceDefinition.OutputTypes[link.Slot];
            if (!TypesMatch(received, spec))
            {
                errors.Add(ValidationOutcome.Describe("return_type_mismatch", "Return type mismatch between linked nodes",
                    $"{spec.Name}, received_type({received}) mismatch input_type({spec.Type})",
                    new JsonObject
                    {
                        ["input_name"] = spec.Name,
                        ["input_config"] = InputConfig(spec),
                        ["received_type"] = received,
                        ["linked_node"] = list.DeepClone(),
                    }));
                return true;
            }
            try
            {
                return ValidateNode(source.Id).Ok;
            }
            catch (ValidationCrash crash)
            {
                // ComfyUI pins an exception inside an upstream node's validation on that node.
                Record(source.Id, (false, new JsonArray(ValidationOutcome.Describe("exception_during_inner_validation", "Exception when validating inner node", crash.Message,
                    new JsonObject
                    {
                        ["input_name"] = spec.Name,
                        ["input_config"] = InputConfig(spec),
                        ["exception_message"] = crash.Message,
                        ["exception_type"] = crash.PythonType,
                        ["traceback"] = new JsonArray(),
                        ["linked_node"] = list.DeepClone(),
                    }))));
                return false;
            }
        }

        private static void CheckLiteral(PromptNode node, InputSpec spec, JsonNode? value, JsonArray errors)
        {
            // The frontend wraps list-valued widgets as {"__value__": [...]} so they are not taken for links.
            if (value is JsonObject wrapper && wrapper.ContainsKey("__value__"))
            {
                value = wrapper["__value__"]?.DeepClone();
                node.Inputs[spec.Name] = value;
            }
            if (!InputConversion.TryConvert(spec.Kind, value, out var converted, out var conversionError))
            {
                errors.Add(ValidationOutcome.Describe("invalid_input_type", $"Failed to convert an input value to a {spec.Type} value",
                    $"{spec.Name}, {PyJson.Str(value)}, {conversionError}",
                    new JsonObject
                    {
                        ["input_name"] = spec.Name,
                        ["input_config"] = InputConfig(spec),
                        ["received_value"] = value?.DeepClone(),
                        ["exception_message"] = conversionError,
                    }));
                return;
            }
            if (spec.Kind is InputKind.Int or InputKind.Float or InputKind.String or InputKind.Boolean)
            {
                node.Inputs[spec.Name] = converted;
                value = converted;
            }
            if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
            {
                if (spec.Options["min"] is { } min && InputConversion.Compare(number, min) < 0)
                {
                    errors.Add(RangeError("value_smaller_than_min", $"Value {PyJson.Repr(number)} smaller than min of {PyJson.Repr(min)}", spec, number));
                    return;
                }
                if (spec.Options["max"] is { } max && InputConversion.Compare(number, max) > 0)
                {
                    errors.Add(RangeError("value_bigger_than_max", $"Value {PyJson.Repr(number)} bigger than max of {PyJson.Repr(max)}", spec, number));
                    return;
                }
            }
            if (spec.Kind == InputKind.Combo && !spec.AnyChoice && spec.Choices is { } choices
                && !(value is JsonValue s && s.GetValueKind() == JsonValueKind.String && choices.Contains(s.GetValue<string>())))
            {
                // ComfyUI does not echo long option lists.
                var longList = choices.Count > 20;
                var listInfo = longList ? $"(list of length {choices.Count})" : "[" + string.Join(", ", choices.Select(c => $"'{c}'")) + "]";
                errors.Add(ValidationOutcome.Describe("value_not_in_list", "Value not in list", $"{spec.Name}: '{PyJson.Str(value)}' not in {listInfo}",
                    new JsonObject
                    {
                        ["input_name"] = spec.Name,
                        ["input_config"] = longList ? null : InputConfig(spec),
                        ["received_value"] = value?.DeepClone(),
                    }));
            }
        }

        private static JsonObject RangeError(string type, string message, InputSpec spec, JsonNode value) =>
            ValidationOutcome.Describe(type, message, spec.Name, new JsonObject
            {
                ["input_name"] = spec.Name,
                ["input_config"] = InputConfig(spec),
                ["received_value"] = value.DeepClone(),
            });

        /// <summary>ComfyUI quotes the input's declaration as (type, options).</summary>
        private static JsonArray InputConfig(InputSpec spec)
        {
            var config = spec.ToObjectInfo();
            if (config.Count == 1)
            {
                config.Add(new JsonObject());
            }
            return config;
        }

        private static bool TypesMatch(string received, InputSpec spec)
        {
            if (spec.Kind == InputKind.Combo || received == "*" || spec.Type == "*" || received == spec.Type)
            {
                return true;
            }
            var accepted = spec.Type.Split(',', StringSplitOptions.TrimEntries);
            return received.Split(',', StringSplitOptions.TrimEntries).All(accepted.Contains);
        }
    }
}
