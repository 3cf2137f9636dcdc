using System.Globalization;
using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// Names output files the way ComfyUI's savers do ("ComfyUI_00001_.png", counter per prefix,
/// a "sub/dir/" part of the prefix becomes the subfolder). Nothing is written to disk.
/// </summary>
internal sealed class OutputFiles
{
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public OutputFiles(Random random)
    {
        // PreviewImage appends "_temp_" and five random letters once per server start.
        var letters = new char[5];
        for (var i = 0; i < letters.Length; i++)
        {
            letters[i] = (char)('a' + random.Next(26));
        }
        TempPrefix = "ComfyUI_temp_" + new string(letters);
    }

    public string TempPrefix { get; }

    /// <summary>One file entry {filename, subfolder, type}; <paramref name="comfyStyle"/> adds ComfyUI's trailing "_".</summary>
    public JsonObject Next(string prefix, string extension, string type = "output", bool comfyStyle = true)
    {
        var (subfolder, name) = Split(prefix);
        int counter;
        lock (_gate)
        {
            var key = subfolder + "/" + name;
            counter = _counters.GetValueOrDefault(key) + 1;
            _counters[key] = counter;
        }
        var number = counter.ToString("00000", CultureInfo.InvariantCulture);
        var filename = comfyStyle ? $"{name}_{number}_.{extension}" : $"{name}_{number}.{extension}";
        return new JsonObject { ["filename"] = filename, ["subfolder"] = subfolder, ["type"] = type };
    }

    public JsonArray Many(string prefix, string extension, int count, string type = "output")
    {
        var files = new JsonArray();
        for (var i = 0; i < Math.Max(count, 1); i++)
        {
            files.Add(Next(prefix, extension, type));
        }
        return files;
    }

    private static (string Subfolder, string Name) Split(string prefix)
    {
        var normalized = prefix.Replace('\\', '/').Trim('/');
        var slash = normalized.LastIndexOf('/');
        var name = slash < 0 ? normalized : normalized[(slash + 1)..];
        return (slash < 0 ? "" : normalized[..slash], name.Length == 0 ? "ComfyUI" : name);
    }
}
