using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Jobs;
using Bunit;

namespace AnimeProgress.Tests.Web.Components.Jobs;

public sealed class StageBadgeTests : ComponentTestContext
{
    [Theory]
    [InlineData(Stage.Queued, "Queued", "stage-badge--queued")]
    [InlineData(Stage.Initializing, "Initializing", "stage-badge--initializing")]
    [InlineData(Stage.Processing, "Processing", "stage-badge--processing")]
    [InlineData(Stage.Rendering, "Rendering", "stage-badge--rendering")]
    [InlineData(Stage.PostProcessing, "Post-processing", "stage-badge--postprocessing")]
    [InlineData(Stage.Finalizing, "Finalizing", "stage-badge--finalizing")]
    [InlineData(Stage.Completed, "Completed", "stage-badge--completed")]
    [InlineData(Stage.Failed, "Failed", "stage-badge--failed")]
    [InlineData(Stage.Cancelled, "Cancelled", "stage-badge--cancelled")]
    public void Each_stage_has_its_name_and_its_own_colour_class(Stage stage, string text, string cssClass)
    {
        var cut = Render<StageBadge>(p => p.Add(c => c.Stage, stage));

        var badge = cut.Find(".stage-badge");
        Assert.Equal(text, badge.TextContent);
        Assert.Contains(cssClass, badge.ClassList);
    }

    [Fact]
    public void Every_stage_colour_class_is_defined_for_both_themes()
    {
        var css = File.ReadAllText(Path.Combine(RepoPaths.Root, "AnimeProgress.Web", "wwwroot", "app.css"));
        foreach (var stage in Enum.GetValues<Stage>())
        {
            var cls = ".stage-badge--" + stage.ToString().ToLowerInvariant();
            Assert.Contains(cls + " {", css, StringComparison.Ordinal);
            Assert.Contains("[data-theme=dark] " + cls + " {", css, StringComparison.Ordinal);
        }
    }
}
