using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Graph;

/// <summary>
/// Result of checking a submitted prompt. A prompt is accepted when at least one output node is
/// valid; <see cref="NodeErrors"/> may still list the outputs that were dropped.
/// </summary>
internal sealed record ValidationOutcome(bool Accepted, JsonObject? Error, IReadOnlyList<string> Outputs, JsonObject NodeErrors)
{
    public static ValidationOutcome Rejected(string type, string message, string details) =>
        new(false, Describe(type, message, details), [], []);

    public static JsonObject Describe(string type, string message, string details, JsonObject? extraInfo = null) => new()
    {
        ["type"] = type,
        ["message"] = message,
        ["details"] = details,
        ["extra_info"] = extraInfo ?? [],
    };
}
