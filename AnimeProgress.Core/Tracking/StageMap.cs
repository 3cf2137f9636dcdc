using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// Which production stage a running ComfyUI node belongs to, by its class type. Exact names
/// (built-in plus <c>AnimeProgress:StageMap</c> from configuration, which wins) come first, then
/// name patterns that cover the long tail of custom nodes. Unknown types return null so the job
/// keeps its previous stage.
/// </summary>
public sealed class StageMap
{
    private static readonly Dictionary<string, Stage> BuiltIn = new(StringComparer.Ordinal)
    {
        ["CheckpointLoaderSimple"] = Stage.Initializing,
        ["VAELoader"] = Stage.Initializing,
        ["LoraLoader"] = Stage.Initializing,
        ["CLIPLoader"] = Stage.Initializing,
        ["UNETLoader"] = Stage.Initializing,
        ["ControlNetLoader"] = Stage.Initializing,
        ["UpscaleModelLoader"] = Stage.Initializing,
        ["LoadImage"] = Stage.Initializing,
        ["EmptyLatentImage"] = Stage.Processing,
        ["EmptyImage"] = Stage.Processing,
        ["EmptyHunyuanLatentVideo"] = Stage.Processing,
        ["EmptyLTXVLatentVideo"] = Stage.Processing,
        ["CLIPTextEncode"] = Stage.Processing,
        ["ControlNetApply"] = Stage.Processing,
        ["ControlNetApplyAdvanced"] = Stage.Processing,
        ["ConditioningCombine"] = Stage.Processing,
        ["KSampler"] = Stage.Rendering,
        ["KSamplerAdvanced"] = Stage.Rendering,
        ["SamplerCustom"] = Stage.Rendering,
        ["SamplerCustomAdvanced"] = Stage.Rendering,
        ["VAEDecode"] = Stage.PostProcessing,
        ["VAEDecodeTiled"] = Stage.PostProcessing,
        ["ImageUpscaleWithModel"] = Stage.PostProcessing,
        ["ImageScale"] = Stage.PostProcessing,
        ["ImageBlur"] = Stage.PostProcessing,
        ["RIFE VFI"] = Stage.PostProcessing,
        ["FILM VFI"] = Stage.PostProcessing,
        ["FaceRestoreWithModel"] = Stage.PostProcessing,
        ["SaveImage"] = Stage.Finalizing,
        ["PreviewImage"] = Stage.Finalizing,
        ["SaveImageWebsocket"] = Stage.Finalizing,
        ["SaveAnimatedWEBP"] = Stage.Finalizing,
        ["SaveAnimatedPNG"] = Stage.Finalizing,
        ["CreateVideo"] = Stage.Finalizing,
        ["SaveVideo"] = Stage.Finalizing,
        ["SaveWEBM"] = Stage.Finalizing,
        ["VHS_VideoCombine"] = Stage.Finalizing,
    };

    // Order matters: "Upscale...Loader" is a loader, "VAEDecode..." is post-processing.
    private static readonly (string Fragment, Stage Stage)[] Patterns =
    [
        ("Loader", Stage.Initializing),
        ("Load", Stage.Initializing),
        ("Sampler", Stage.Rendering),
        ("Save", Stage.Finalizing),
        ("VideoCombine", Stage.Finalizing),
        ("VAEDecode", Stage.PostProcessing),
        ("Upscale", Stage.PostProcessing),
        ("VFI", Stage.PostProcessing),
        ("Interpolat", Stage.PostProcessing),
        ("FaceRestore", Stage.PostProcessing),
        ("TextEncode", Stage.Processing),
        ("Conditioning", Stage.Processing),
        ("ControlNet", Stage.Processing),
        ("Preprocessor", Stage.Processing),
    ];

    private readonly Dictionary<string, Stage> _exact;

    public StageMap(IReadOnlyDictionary<string, Stage>? overrides = null)
    {
        _exact = new Dictionary<string, Stage>(BuiltIn, StringComparer.Ordinal);
        if (overrides is not null)
        {
            foreach (var (classType, stage) in overrides)
            {
                _exact[classType] = stage;
            }
        }
    }

    /// <summary>Builds the map from configuration text (class type → stage name); a bad stage name throws naming the key.</summary>
    public static StageMap FromConfiguration(IReadOnlyDictionary<string, string>? entries, string section = "AnimeProgress:StageMap")
    {
        var overrides = new Dictionary<string, Stage>(StringComparer.Ordinal);
        foreach (var (classType, text) in entries ?? new Dictionary<string, string>())
        {
            if (!StageExtensions.TryParse(text, out var stage) || stage is Stage.Queued or Stage.Completed or Stage.Failed or Stage.Cancelled)
            {
                throw new ArgumentException(
                    $"{section}:{classType} is '{text}', which is not a running stage (Initializing, Processing, Rendering, Post-processing, Finalizing).");
            }

            overrides[classType] = stage;
        }

        return new StageMap(overrides);
    }

    public Stage? StageOf(string? classType)
    {
        if (string.IsNullOrEmpty(classType))
        {
            return null;
        }

        if (_exact.TryGetValue(classType, out var stage))
        {
            return stage;
        }

        foreach (var (fragment, patternStage) in Patterns)
        {
            if (classType.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return patternStage;
            }
        }

        return null;
    }
}
