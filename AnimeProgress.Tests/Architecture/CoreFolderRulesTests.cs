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

    [Fact]
    public void Jobs_is_the_shared_vocabulary_and_depends_on_no_other_core_folder() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Core.Jobs"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Core.ComfyUi", "AnimeProgress.Core.Tracking", "AnimeProgress.Core.Estimation", "AnimeProgress.Core.Hub",
                "AnimeProgress.Core.Persistence", "AnimeProgress.Core.Cluster", "AnimeProgress.Core.Fleet", "AnimeProgress.Core.Submission",
                "AnimeProgress.Core.Ingestion", "AnimeProgress.Core.Previews"))
            .Because("every layer speaks of jobs; a job type that reached into a layer would tie them all together")
            .Check(Value);

    [Fact]
    public void Estimation_is_pure_math_over_jobs() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Core.Estimation"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Core.ComfyUi", "AnimeProgress.Core.Tracking", "AnimeProgress.Core.Hub",
                "AnimeProgress.Core.Persistence", "AnimeProgress.Core.Cluster", "AnimeProgress.Core.Ingestion"))
            .Because("the ETA engine is fed by the tracker and replayed by the benchmark; it must not know either")
            .Check(Value);
}
