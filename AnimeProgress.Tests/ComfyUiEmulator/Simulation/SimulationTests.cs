using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.NodeCatalog;
using AnimeProgress.ComfyUiEmulator.Simulation;

namespace AnimeProgress.Tests.ComfyUiEmulator.Simulation;

/// <summary>The simulated cost of nodes: durations, progress counts and frame propagation.</summary>
public sealed class SimulationTests
{
    [Fact]
    public void A_video_sampler_step_takes_about_four_times_an_image_step()
    {
        var image = Simulate("KSampler", new JsonObject { ["steps"] = 20 }, ("latent_image", new MediaShape(1, 1024, 1024)));
        var video = Simulate("KSampler", new JsonObject { ["steps"] = 20 }, ("latent_image", new MediaShape(121, 848, 480)));

        Assert.Equal(20, image.ProgressSteps);
        Assert.Equal(5.0, image.Seconds, precision: 3);        // 0.25 s per step
        Assert.InRange(video.Seconds / 20, 0.95, 1.05);          // ~1 s per step for 120 frames
        Assert.Equal(PreviewFormat.Jpeg, video.Preview);
        Assert.Equal(121, video.Output.Frames);
    }

    [Fact]
    public void Advanced_sampler_runs_only_the_steps_between_start_and_end()
    {
        var work = Simulate("KSamplerAdvanced", new JsonObject { ["steps"] = 30, ["start_at_step"] = 10, ["end_at_step"] = 25 });

        Assert.Equal(15, work.ProgressSteps);
    }

    [Fact]
    public void Tiled_decoding_and_model_upscaling_report_progress_per_tile()
    {
        var tiled = Simulate("VAEDecodeTiled", new JsonObject { ["tile_size"] = 512, ["temporal_size"] = 64 }, ("samples", new MediaShape(1, 1536, 1024)));
        var upscale = Simulate("ImageUpscaleWithModel", [], ("image", new MediaShape(2, 1024, 512)));

        Assert.Equal(6, tiled.ProgressSteps);
        Assert.Equal(4, upscale.ProgressSteps);
        Assert.Equal(new MediaShape(2, 4096, 2048), upscale.Output);
    }

    [Fact]
    public void Frame_interpolation_multiplies_the_frames_and_loaders_hold_vram()
    {
        var rife = Simulate("RIFE VFI", new JsonObject { ["multiplier"] = 2 }, ("frames", new MediaShape(61, 848, 480)));
        var checkpoint = Simulate("CheckpointLoaderSimple", []);

        Assert.Equal(121, rife.Output.Frames);
        Assert.InRange(rife.Seconds, 2.0, 3.0);
        Assert.InRange(checkpoint.Seconds, 1.0, 2.0);
        Assert.True(checkpoint.ModelBytes > 6L * 1024 * 1024 * 1024);
    }

    [Fact]
    public void Video_latents_carry_their_length_as_frames()
    {
        var hunyuan = Simulate("EmptyHunyuanLatentVideo", new JsonObject { ["width"] = 848, ["height"] = 480, ["length"] = 121, ["batch_size"] = 1 });
        var ltxv = Simulate("EmptyLTXVLatentVideo", new JsonObject { ["width"] = 768, ["height"] = 512, ["length"] = 97, ["batch_size"] = 1 });

        Assert.Equal(new MediaShape(121, 848, 480), hunyuan.Output);
        Assert.Equal(97, ltxv.Output.Frames);
    }

    private static NodeWork Simulate(string classType, JsonObject inputs, params (string Input, MediaShape Shape)[] links)
    {
        var definition = KnownNodes.Default.Find(classType)!;
        var node = PromptNode.From("1", new JsonObject { ["class_type"] = classType, ["inputs"] = inputs });
        return definition.Simulate(new NodeContext(node, links.ToDictionary(l => l.Input, l => l.Shape)));
    }
}
