using System.Globalization;
using System.Text.Json;

namespace AnimeProgress.Core.Queue;

/// <summary>What a job needs from the instance it runs on: GPU memory, operator-set labels, model files. Empty: anything.</summary>
public sealed record JobNeeds
{
    public static JobNeeds None { get; } = new();

    /// <summary>Total GPU memory of the instance's first device, in GB (2^30 bytes, as ComfyUI and nvidia-smi show it).</summary>
    public double? VramGb { get; init; }

    /// <summary>Every one of these labels (lower case).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Every one of these model files, as the instance's <c>/object_info</c> lists them.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    public bool IsEmpty => VramGb is null && Labels.Count == 0 && Models.Count == 0;

    /// <summary>"24 GB, label video, model x.safetensors"; "nothing" when empty.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (VramGb is { } vram)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{vram:0.#} GB"));
        }

        parts.AddRange(Labels.Select(l => "label " + l));
        parts.AddRange(Models.Select(m => "model " + m));
        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    public static string? LabelsToColumn(IReadOnlyList<string> labels) => labels.Count == 0 ? null : string.Join(",", labels);

    public static IReadOnlyList<string> LabelsFromColumn(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string? ModelsToColumn(IReadOnlyList<string> models) => models.Count == 0 ? null : JsonSerializer.Serialize(models);

    public static IReadOnlyList<string> ModelsFromColumn(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(text) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
