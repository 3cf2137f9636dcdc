using System.Globalization;
using System.Text.Json;
using AnimeProgress.Core.Queue;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// The fleet queue's fields of <c>POST /api/jobs</c> (issue 16): <c>priority</c> (a whole number, higher first) and
/// <c>needs</c> (<c>{"vramGb": 24, "labels": ["video"], "models": ["x.safetensors"]}</c>), each read strictly.
/// </summary>
internal static class QueueFields
{
    public const int MaxModels = 16;
    public const int MaxModelNameLength = 256;
    public const double MaxVramGb = 4096;
    private static readonly string[] NeedsFields = ["vramGb", "labels", "models"];

    /// <summary>The priority given, or null when none is (the configured default applies then).</summary>
    public static int? Priority(JsonElement? value, int maxPriority, Action<string> error)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var priority) && priority >= -maxPriority && priority <= maxPriority)
        {
            return priority;
        }

        error(string.Create(CultureInfo.InvariantCulture, $"priority must be a whole number from {-maxPriority} to {maxPriority}, higher first (got {v.GetRawText()[..Math.Min(40, v.GetRawText().Length)]})."));
        return 0;
    }

    public static JobNeeds? Needs(JsonElement? value, Action<string> error)
    {
        if (value is not { ValueKind: not JsonValueKind.Null } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            error("needs must be an object like {\"vramGb\": 24, \"labels\": [\"video\"], \"models\": [\"model.safetensors\"]}.");
            return null;
        }

        double? vram = null;
        IReadOnlyList<string> labels = [];
        IReadOnlyList<string> models = [];
        var ok = true;
        foreach (var property in v.EnumerateObject())
        {
            var field = NeedsFields.FirstOrDefault(f => string.Equals(f, property.Name, StringComparison.OrdinalIgnoreCase));
            switch (field)
            {
                case "vramGb":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var gb) && gb > 0 && gb <= MaxVramGb)
                    {
                        vram = gb;
                    }
                    else
                    {
                        error(string.Create(CultureInfo.InvariantCulture, $"needs.vramGb must be a number of GB above 0 and at most {MaxVramGb}."));
                        ok = false;
                    }

                    break;
                case "labels":
                    var (parsed, labelError) = Strings(property.Value) is { } texts ? InstanceLabels.Normalize(texts) : (null, "needs.labels must be an array of strings.");
                    if (parsed is null)
                    {
                        error(labelError!);
                        ok = false;
                    }
                    else
                    {
                        labels = parsed;
                    }

                    break;
                case "models":
                    var names = Strings(property.Value);
                    if (names is null || names.Count > MaxModels || names.Any(n => string.IsNullOrWhiteSpace(n) || n.Length > MaxModelNameLength))
                    {
                        error($"needs.models must be an array of at most {MaxModels} model file names, each 1–{MaxModelNameLength} characters.");
                        ok = false;
                    }
                    else
                    {
                        models = [.. names.Select(n => n.Trim()).Distinct(StringComparer.Ordinal)];
                    }

                    break;
                default:
                    error($"needs has no field \"{property.Name[..Math.Min(40, property.Name.Length)]}\"; its fields are vramGb, labels and models.");
                    ok = false;
                    break;
            }
        }

        return ok ? new JobNeeds { VramGb = vram, Labels = labels, Models = models } : null;
    }

    private static List<string>? Strings(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            list.Add(item.GetString()!);
        }

        return list;
    }
}
