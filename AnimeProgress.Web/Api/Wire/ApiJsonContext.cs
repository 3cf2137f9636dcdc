using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>
/// Source-generated serializers for the WebSocket frames: no reflection on the hot path, and every
/// null field is written, so clients always find the seed's keys.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(InitialJobsMessage))]
[JsonSerializable(typeof(ProgressUpdateMessage))]
[JsonSerializable(typeof(PongMessage))]
[JsonSerializable(typeof(ErrorMessage))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Titles are often Japanese: relaxed escaping writes them as UTF-8 instead of \u sequences
    /// (half the bytes). Frames are parsed as JSON, never embedded in HTML, so that is safe here.
    /// </summary>
    public static ApiJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    });
}
