using System.Text.Json;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

/// <summary>
/// Reads progress traces: one job per <c>.jsonl</c> file, one observation per line
/// (<c>{"t":…,"percent":…,"stage":…,"status":…}</c>), after an optional header line
/// <c>{"job":{"kind":…,"workflow":…,"instance":…}}</c>. A bad line throws
/// <see cref="TraceFormatException"/> naming the file and line.
/// </summary>
internal static class TraceReader
{
    /// <summary>Every <c>*.jsonl</c> file in <paramref name="directory"/>, in name order.</summary>
    public static IReadOnlyList<string> FilesIn(string directory) =>
        Directory.GetFiles(directory, "*.jsonl").OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();

    public static JobTrace ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    public static JobTrace Read(TextReader reader, string name)
    {
        var points = new List<TracePoint>();
        var kind = JobKind.Image;
        string? workflow = null, instance = null;
        var lineNumber = 0;
        var sawContent = false;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new TraceFormatException(name, lineNumber, $"not valid JSON ({e.Message})", e);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TraceFormatException(name, lineNumber, "expected a JSON object");
            }

            if (root.TryGetProperty("job", out var job))
            {
                if (sawContent)
                {
                    throw new TraceFormatException(name, lineNumber, "the \"job\" header may only be the first line");
                }

                (kind, workflow, instance) = ReadHeader(job, name, lineNumber);
                sawContent = true;
                continue;
            }

            sawContent = true;
            if (points.Count > 0 && points[^1].Status is TraceStatus.Completed or TraceStatus.Failed)
            {
                throw new TraceFormatException(name, lineNumber, $"observation after the job {points[^1].Status.ToString().ToLowerInvariant()}");
            }

            var point = ReadPoint(root, name, lineNumber);
            if (points.Count > 0 && point.T < points[^1].T)
            {
                throw new TraceFormatException(name, lineNumber, $"\"t\" goes backwards ({point.T} after {points[^1].T})");
            }

            points.Add(point);
        }

        if (points.Count == 0)
        {
            throw new TraceFormatException(name, Math.Max(1, lineNumber), "no observations in the file");
        }

        return new JobTrace(name, kind, workflow, instance, points);
    }

    private static (JobKind Kind, string? Workflow, string? Instance) ReadHeader(JsonElement job, string name, int line)
    {
        if (job.ValueKind != JsonValueKind.Object)
        {
            throw new TraceFormatException(name, line, "\"job\" must be an object");
        }

        var kind = JobKind.Image;
        if (job.TryGetProperty("kind", out var k) && k.ValueKind != JsonValueKind.Null)
        {
            kind = k.ValueKind == JsonValueKind.String ? k.GetString() switch
            {
                "image" => JobKind.Image,
                "video" => JobKind.Video,
                var other => throw new TraceFormatException(name, line, $"\"kind\" must be \"image\" or \"video\", not \"{other}\""),
            } : throw new TraceFormatException(name, line, "\"kind\" must be a string");
        }

        return (kind, OptionalString(job, "workflow", name, line), OptionalString(job, "instance", name, line));
    }

    private static string? OptionalString(JsonElement owner, string property, string name, int line) =>
        !owner.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new TraceFormatException(name, line, $"\"{property}\" must be a string or null");

    private static TracePoint ReadPoint(JsonElement root, string name, int line)
    {
        if (!root.TryGetProperty("t", out var t) || t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out var seconds)
            || !double.IsFinite(seconds) || seconds < 0)
        {
            throw new TraceFormatException(name, line, "\"t\" must be a number of seconds since submit, 0 or more");
        }

        double? percent = null;
        if (root.TryGetProperty("percent", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetDouble(out var value) || value is < 0 or > 100 || double.IsNaN(value))
            {
                throw new TraceFormatException(name, line, "\"percent\" must be a number from 0 to 100, or null");
            }

            percent = value;
        }

        if (!root.TryGetProperty("stage", out var s) || s.ValueKind != JsonValueKind.String)
        {
            throw new TraceFormatException(name, line, "\"stage\" must be a stage name");
        }

        if (!StageExtensions.TryParse(s.GetString(), out var stage))
        {
            throw new TraceFormatException(name, line, $"unknown stage \"{s.GetString()}\"");
        }

        if (!root.TryGetProperty("status", out var st) || st.ValueKind != JsonValueKind.String)
        {
            throw new TraceFormatException(name, line, "\"status\" must be queued, running, completed or failed");
        }

        var status = st.GetString() switch
        {
            "queued" => TraceStatus.Queued,
            "running" => TraceStatus.Running,
            "completed" => TraceStatus.Completed,
            "failed" => TraceStatus.Failed,
            var other => throw new TraceFormatException(name, line, $"\"status\" must be queued, running, completed or failed, not \"{other}\""),
        };

        return new TracePoint(seconds, percent, stage, status);
    }
}
