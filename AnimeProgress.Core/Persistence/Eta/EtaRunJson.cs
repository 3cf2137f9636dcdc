using System.Text.Json;
using System.Text.Json.Serialization;
using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>
/// A run as the <c>run</c> column holds it: the engine's own <see cref="RunSnapshot"/> as JSON, enums by name (a
/// renumbered enum cannot misread an old row). Reading checks what JSON cannot: that the lists are there and every
/// number is one the engine can use, so a damaged row is refused here, not deep inside an estimate.
/// </summary>
internal static class EtaRunJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public static string Write(RunSnapshot run) => JsonSerializer.Serialize(run, Options);

    /// <exception cref="JsonException">The text is not a run, or not one the engine can use.</exception>
    public static RunSnapshot Read(string json)
    {
        var run = JsonSerializer.Deserialize<RunSnapshot>(json, Options) ?? throw new JsonException("the row holds null");
        if (run.Segments is null || run.Samples is null || run.Segments.Count == 0)
        {
            throw new JsonException("the run has no stage visits or no samples list");
        }

        if (!(run.TotalSeconds > 0) || !double.IsFinite(run.TotalSeconds))
        {
            throw new JsonException($"the run time {run.TotalSeconds} is not a positive number of seconds");
        }

        foreach (var segment in run.Segments)
        {
            if (segment is null || !Enum.IsDefined(segment.Stage) || !(segment.EndSeconds >= segment.StartSeconds)
                || (segment.CurveSeconds is null) != (segment.CurveDone is null)
                || (segment.CurveSeconds is { } seconds && seconds.Count != segment.CurveDone!.Count))
            {
                throw new JsonException("a stage visit is incomplete or out of order");
            }
        }

        if (run.Samples.Any(s => s is null))
        {
            throw new JsonException("a sample is missing");
        }

        return run;
    }
}
