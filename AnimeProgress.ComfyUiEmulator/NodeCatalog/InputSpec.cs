using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

internal enum InputKind
{
    Int,
    Float,
    String,
    Boolean,
    Combo,

    /// <summary>A socket that only takes a link (MODEL, IMAGE, LATENT, …).</summary>
    Link,
}

/// <summary>One declared input of a node class, as /object_info shows it and validation uses it.</summary>
internal sealed class InputSpec
{
    private InputSpec(string name, string type, InputKind kind, JsonObject options, IReadOnlyList<string>? choices = null, bool anyChoice = false)
    {
        Name = name;
        Type = type;
        Kind = kind;
        Options = options;
        Choices = choices;
        AnyChoice = anyChoice;
    }

    public string Name { get; }

    /// <summary>INT, FLOAT, STRING, BOOLEAN, COMBO, or a link type such as MODEL.</summary>
    public string Type { get; }

    public InputKind Kind { get; }

    /// <summary>default/min/max/step/… exactly as listed in /object_info and quoted in validation errors.</summary>
    public JsonObject Options { get; }

    public IReadOnlyList<string>? Choices { get; }

    /// <summary>
    /// Model-file combos accept any name: the emulator pretends every model exists, so demo graphs
    /// need not match its made-up file list. Enumerations (samplers, schedulers) are checked.
    /// </summary>
    public bool AnyChoice { get; }

    /// <summary>An INT widget; ComfyUI lists "step" only where the node declares one (sizes do, counts mostly do not).</summary>
    public static InputSpec Int(string name, long @default, long min, long max, long? step = null, string? display = null)
    {
        var options = new JsonObject { ["default"] = @default, ["min"] = min, ["max"] = max };
        if (step is { } s)
        {
            options["step"] = s;
        }
        if (display is not null)
        {
            options["display"] = display;
        }
        return new(name, "INT", InputKind.Int, options);
    }

    /// <summary>Seeds go up to 2^64−1 in ComfyUI, beyond a long.</summary>
    public static InputSpec Seed(string name) =>
        new(name, "INT", InputKind.Int, new JsonObject { ["default"] = 0, ["min"] = 0, ["max"] = ulong.MaxValue, ["control_after_generate"] = true });

    public static InputSpec Float(string name, double @default, double min, double max, double step, double? round = null)
    {
        var options = new JsonObject
        {
            ["default"] = PyJson.Float(@default),
            ["min"] = PyJson.Float(min),
            ["max"] = PyJson.Float(max),
            ["step"] = PyJson.Float(step),
        };
        if (round is { } r)
        {
            options["round"] = PyJson.Float(r);
        }
        return new(name, "FLOAT", InputKind.Float, options);
    }

    public static InputSpec Text(string name, string @default, bool multiline = false)
    {
        var options = new JsonObject { ["default"] = @default };
        if (multiline)
        {
            options["multiline"] = true;
            options["dynamicPrompts"] = true;
        }
        return new(name, "STRING", InputKind.String, options);
    }

    public static InputSpec Bool(string name, bool @default) =>
        new(name, "BOOLEAN", InputKind.Boolean, new JsonObject { ["default"] = @default });

    public static InputSpec Combo(string name, IReadOnlyList<string> choices, string? @default = null) =>
        new(name, "COMBO", InputKind.Combo, @default is null ? [] : new JsonObject { ["default"] = @default }, choices);

    public static InputSpec ModelFile(string name, IReadOnlyList<string> files) =>
        new(name, "COMBO", InputKind.Combo, [], files, anyChoice: true);

    public static InputSpec Link(string name, string type) => new(name, type, InputKind.Link, []);

    /// <summary>The [TYPE, {options}] pair of /object_info; combos are [[choices…], {options}] (v1 style).</summary>
    public JsonArray ToObjectInfo()
    {
        JsonNode head = Kind == InputKind.Combo ? PyJson.Strings(Choices ?? []) : JsonValue.Create(Type);
        return Options.Count == 0 ? [head] : [head, Options.DeepClone()];
    }
}
