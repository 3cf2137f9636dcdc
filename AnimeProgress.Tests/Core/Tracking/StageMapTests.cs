using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Tests.Core.Tracking;

public sealed class StageMapTests
{
    [Theory]
    [InlineData("CheckpointLoaderSimple", Stage.Initializing)]
    [InlineData("UpscaleModelLoader", Stage.Initializing)]
    [InlineData("CLIPTextEncode", Stage.Processing)]
    [InlineData("ControlNetApplyAdvanced", Stage.Processing)]
    [InlineData("KSampler", Stage.Rendering)]
    [InlineData("KSamplerAdvanced", Stage.Rendering)]
    [InlineData("VAEDecode", Stage.PostProcessing)]
    [InlineData("ImageUpscaleWithModel", Stage.PostProcessing)]
    [InlineData("RIFE VFI", Stage.PostProcessing)]
    [InlineData("SaveImage", Stage.Finalizing)]
    [InlineData("VHS_VideoCombine", Stage.Finalizing)]
    [InlineData("MyStudioSamplerCustom", Stage.Rendering)]
    [InlineData("DWPreprocessor", Stage.Processing)]
    public void Maps_node_class_types_to_stages(string classType, Stage expected) =>
        Assert.Equal(expected, new StageMap().StageOf(classType));

    [Fact]
    public void Unknown_node_types_keep_the_previous_stage() =>
        Assert.Null(new StageMap().StageOf("PrimitiveNode"));

    [Fact]
    public void Configuration_extends_and_overrides_the_built_in_map()
    {
        var map = StageMap.FromConfiguration(new Dictionary<string, string>
        {
            ["WanImageToVideo"] = "Processing",
            ["KSampler"] = "Post-processing",
        });

        Assert.Equal(Stage.Processing, map.StageOf("WanImageToVideo"));
        Assert.Equal(Stage.PostProcessing, map.StageOf("KSampler"));
    }

    [Fact]
    public void A_bad_stage_name_in_configuration_names_the_key()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            StageMap.FromConfiguration(new Dictionary<string, string> { ["MyNode"] = "Baking" }));

        Assert.Contains("AnimeProgress:StageMap:MyNode", ex.Message, StringComparison.Ordinal);
    }
}
