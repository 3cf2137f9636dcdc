namespace AnimeProgress.Core.Jobs;

/// <summary>The seven production stages, plus the two failure outcomes shown as stages.</summary>
public enum Stage
{
    Queued,
    Initializing,
    Processing,
    Rendering,
    PostProcessing,
    Finalizing,
    Completed,
    Failed,
    Cancelled,
}

public static class StageExtensions
{
    /// <summary>The operator-facing name, as the seed's clients display it.</summary>
    public static string DisplayName(this Stage stage) => stage switch
    {
        Stage.PostProcessing => "Post-processing",
        _ => stage.ToString(),
    };

    public static bool TryParse(string? text, out Stage stage)
    {
        stage = Stage.Queued;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var normalized = text.Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace("_", string.Empty, StringComparison.Ordinal)
            .Replace(" ", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse(normalized, ignoreCase: true, out stage) && Enum.IsDefined(stage);
    }
}
