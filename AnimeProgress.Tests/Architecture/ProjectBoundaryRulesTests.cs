using ArchUnitNET.xUnitV3;
using static AnimeProgress.Tests.Architecture.ProductionArchitecture;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace AnimeProgress.Tests.Architecture;

/// <summary>Which project may use which: Core at the bottom, the emulator on its own, the tools and tests on top.</summary>
public sealed class ProjectBoundaryRulesTests
{
    private static readonly string ToolsAndTests = AndBelow(
        "AnimeProgress.Bench", "AnimeProgress.Tests", "AnimeProgress.IntegrationTests", "AnimeProgress.TestSupport", "Xunit", "Bunit");

    [Fact]
    public void Core_depends_on_no_web_emulator_bench_or_test_types() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Core"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Web", "AnimeProgress.ComfyUiEmulator", "AnimeProgress.Bench",
                "AnimeProgress.Tests", "AnimeProgress.IntegrationTests", "AnimeProgress.TestSupport"))
            .Because("Core is the domain every host builds on; it talks to a real ComfyUI, not to the emulator")
            .Check(Value);

    [Fact]
    public void Web_depends_on_no_bench_or_test_types() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Web"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(ToolsAndTests)
            .Because("the shipped app must not need the benchmark tool or test code")
            .Check(Value);

    [Fact]
    public void Only_the_demo_in_Web_uses_the_emulator() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Web"))
            .And().DoNotResideInNamespaceMatching(AndBelow("AnimeProgress.Web.Demo"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow("AnimeProgress.ComfyUiEmulator"))
            .Because("the emulator stands in for ComfyUI in the demo only; the live path talks HTTP and WebSocket to any ComfyUI")
            .Check(Value);

    [Fact]
    public void The_emulator_stands_alone() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.ComfyUiEmulator"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Core", "AnimeProgress.Web", "AnimeProgress.Bench",
                "AnimeProgress.Tests", "AnimeProgress.IntegrationTests", "AnimeProgress.TestSupport"))
            .Because("it imitates ComfyUI from its documented protocol, so it must not borrow the client's reading of it")
            .Check(Value);
}
