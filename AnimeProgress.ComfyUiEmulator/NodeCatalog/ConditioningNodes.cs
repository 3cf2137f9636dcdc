using AnimeProgress.ComfyUiEmulator.Simulation;
using static AnimeProgress.ComfyUiEmulator.NodeCatalog.Footprint;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Text encoding and conditioning plumbing: short, no progress.</summary>
internal static class ConditioningNodes
{
    public static IEnumerable<NodeDefinition> All()
    {
        yield return new NodeDefinition
        {
            ClassType = "CLIPTextEncode",
            DisplayName = "CLIP Text Encode (Prompt)",
            Category = "conditioning",
            Description = "Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.",
            Required = [InputSpec.Text("text", "", multiline: true), InputSpec.Link("clip", "CLIP")],
            OutputTypes = ["CONDITIONING"],
            Simulate = _ => new NodeWork { Seconds = 0.3, WorkingBytes = 512 * MiB },
        };
        yield return new NodeDefinition
        {
            ClassType = "ControlNetApply",
            DisplayName = "Apply ControlNet (OLD)",
            IsDeprecated = true,
            Category = "conditioning/controlnet",
            Required = [InputSpec.Link("conditioning", "CONDITIONING"), InputSpec.Link("control_net", "CONTROL_NET"),
                        InputSpec.Link("image", "IMAGE"), InputSpec.Float("strength", 1.0, 0.0, 10.0, 0.01)],
            OutputTypes = ["CONDITIONING"],
            Simulate = _ => new NodeWork { Seconds = 0.05 },
        };
        yield return new NodeDefinition
        {
            ClassType = "ConditioningCombine",
            DisplayName = "Conditioning (Combine)",
            Category = "conditioning",
            Required = [InputSpec.Link("conditioning_1", "CONDITIONING"), InputSpec.Link("conditioning_2", "CONDITIONING")],
            OutputTypes = ["CONDITIONING"],
            Simulate = _ => new NodeWork { Seconds = 0.02 },
        };
    }
}
