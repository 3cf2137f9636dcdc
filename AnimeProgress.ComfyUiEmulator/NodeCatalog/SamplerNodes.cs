using AnimeProgress.ComfyUiEmulator.Simulation;
using static AnimeProgress.ComfyUiEmulator.NodeCatalog.Footprint;

namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>
/// Samplers: one progress message per denoising step (value 1…steps) with a JPEG preview,
/// ~0.25 s per step for an image, ~1 s per step for 120 video frames.
/// </summary>
internal static class SamplerNodes
{
    private const double SecondsPerStep = 0.25;

    public static IEnumerable<NodeDefinition> All()
    {
        yield return new NodeDefinition
        {
            ClassType = "KSampler",
            DisplayName = "KSampler",
            Category = "sampling",
            Description = "Uses the provided model, positive and negative conditioning to denoise the latent image.",
            Required =
            [
                InputSpec.Link("model", "MODEL"), Seed("seed"), Steps(), Cfg(),
                InputSpec.Combo("sampler_name", Choices.Samplers), InputSpec.Combo("scheduler", Choices.Schedulers),
                InputSpec.Link("positive", "CONDITIONING"), InputSpec.Link("negative", "CONDITIONING"),
                InputSpec.Link("latent_image", "LATENT"), InputSpec.Float("denoise", 1.0, 0.0, 1.0, 0.01),
            ],
            OutputTypes = ["LATENT"],
            Simulate = c => Sample(c.Shape("latent_image"), c.Int("steps", 20)),
        };
        yield return new NodeDefinition
        {
            ClassType = "KSamplerAdvanced",
            DisplayName = "KSampler (Advanced)",
            Category = "sampling",
            Required =
            [
                InputSpec.Link("model", "MODEL"), InputSpec.Combo("add_noise", ["enable", "disable"]), Seed("noise_seed"), Steps(), Cfg(),
                InputSpec.Combo("sampler_name", Choices.Samplers), InputSpec.Combo("scheduler", Choices.Schedulers),
                InputSpec.Link("positive", "CONDITIONING"), InputSpec.Link("negative", "CONDITIONING"),
                InputSpec.Link("latent_image", "LATENT"), InputSpec.Int("start_at_step", 0, 0, 10000),
                InputSpec.Int("end_at_step", 10000, 0, 10000), InputSpec.Combo("return_with_leftover_noise", ["disable", "enable"]),
            ],
            OutputTypes = ["LATENT"],
            Simulate = c =>
            {
                // Only the steps between start and end are sampled.
                var end = Math.Min(c.Int("end_at_step", 10000), c.Int("steps", 20));
                return Sample(c.Shape("latent_image"), Math.Max(0, end - c.Int("start_at_step", 0)));
            },
        };
        yield return new NodeDefinition
        {
            ClassType = "SamplerCustom",
            DisplayName = "SamplerCustom",
            Category = "sampling/custom_sampling",
            PythonModule = "comfy_extras.nodes_custom_sampler",
            Required =
            [
                InputSpec.Link("model", "MODEL"), InputSpec.Bool("add_noise", true), Seed("noise_seed"), Cfg(),
                InputSpec.Link("positive", "CONDITIONING"), InputSpec.Link("negative", "CONDITIONING"),
                InputSpec.Link("sampler", "SAMPLER"), InputSpec.Link("sigmas", "SIGMAS"), InputSpec.Link("latent_image", "LATENT"),
            ],
            OutputTypes = ["LATENT", "LATENT"],
            OutputNames = ["output", "denoised_output"],
            // The step count travels with the SIGMAS from the scheduler node.
            Simulate = c => Sample(c.Shape("latent_image"), Math.Max(c.Shape("sigmas").Steps, 1)),
        };
        yield return new NodeDefinition
        {
            ClassType = "KSamplerSelect",
            DisplayName = "KSamplerSelect",
            Category = "sampling/custom_sampling/samplers",
            PythonModule = "comfy_extras.nodes_custom_sampler",
            Required = [InputSpec.Combo("sampler_name", Choices.Samplers)],
            OutputTypes = ["SAMPLER"],
            Simulate = _ => new NodeWork { Seconds = 0.01 },
        };
        yield return new NodeDefinition
        {
            ClassType = "BasicScheduler",
            DisplayName = "BasicScheduler",
            Category = "sampling/custom_sampling/schedulers",
            PythonModule = "comfy_extras.nodes_custom_sampler",
            Required = [InputSpec.Link("model", "MODEL"), InputSpec.Combo("scheduler", Choices.Schedulers), Steps(),
                        InputSpec.Float("denoise", 1.0, 0.0, 1.0, 0.01)],
            OutputTypes = ["SIGMAS"],
            Simulate = c => new NodeWork { Seconds = 0.01, Output = MediaShape.Default with { Steps = c.Int("steps", 20) } },
        };
    }

    private static NodeWork Sample(MediaShape latent, int steps)
    {
        var factor = FrameFactor(latent.Frames);
        return new NodeWork
        {
            Seconds = SecondsPerStep * factor * steps,
            ProgressSteps = steps,
            Style = ProgressStyle.OneBased,
            Preview = PreviewFormat.Jpeg,
            Output = latent,
            WorkingBytes = (long)Math.Min(8.0 * GiB, 1.5 * GiB * factor * Megapixels(latent.Pixels)),
        };
    }

    private static InputSpec Seed(string name) => InputSpec.Seed(name);

    private static InputSpec Steps() => InputSpec.Int("steps", 20, 1, 10000);

    private static InputSpec Cfg() => InputSpec.Float("cfg", 8.0, 0.0, 100.0, 0.1, round: 0.01);
}
