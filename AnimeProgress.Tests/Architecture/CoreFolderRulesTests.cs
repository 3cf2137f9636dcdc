using ArchUnitNET.xUnitV3;
using static AnimeProgress.Tests.Architecture.ProductionArchitecture;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace AnimeProgress.Tests.Architecture;

/// <summary>
/// The one direction of the live path inside AnimeProgress.Core: ComfyUi → Tracking → Hub → the pages.
/// A rule fails with the offending types and their dependencies.
/// </summary>
public sealed class CoreFolderRulesTests
{
    [Fact]
    public void ComfyUi_knows_nothing_of_who_consumes_what_it_observes() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Core.ComfyUi"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Core.Tracking", "AnimeProgress.Core.Persistence", "AnimeProgress.Core.Cluster", "AnimeProgress.Core.Hub"))
            .Because("the ComfyUI protocol layer reports what it observed through a narrow interface; tracking, storage, the cluster and the hub build on it, not the other way round")
            .Check(Value);

    [Fact]
    public void Hub_only_fans_out_snapshots_and_does_not_reach_back_into_the_live_path() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Core.Hub"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Core.Tracking", "AnimeProgress.Core.Persistence", "AnimeProgress.Core.ComfyUi"))
            .Because("the hub is downstream of tracking and upstream of the pages and the API")
            .Check(Value);

    [Fact]
    public void Tracking_does_not_depend_on_storage_or_the_cluster() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Core.Tracking"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Core.Persistence", "AnimeProgress.Core.Cluster"))
            .Because("storage and the cluster consume the tracker's snapshots; the live view must not wait on them")
            .Check(Value);
}
