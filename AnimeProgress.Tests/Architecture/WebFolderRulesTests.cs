using ArchUnitNET.xUnitV3;
using static AnimeProgress.Tests.Architecture.ProductionArchitecture;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace AnimeProgress.Tests.Architecture;

/// <summary>Folders of AnimeProgress.Web that others build on, and what they must not reach into.</summary>
public sealed class WebFolderRulesTests
{
    [Fact]
    public void Accounts_sit_below_the_features_they_protect() =>
        Types().That().ResideInNamespaceMatching(AndBelow("AnimeProgress.Web.Accounts"))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(AndBelow(
                "AnimeProgress.Web.Components", "AnimeProgress.Web.Cli", "AnimeProgress.Web.Jobs", "AnimeProgress.Web.Previews",
                "AnimeProgress.Web.Submission", "AnimeProgress.Web.Demo", "AnimeProgress.Web.Api.Rest", "AnimeProgress.Web.Api.WebSockets",
                "AnimeProgress.Web.Limits", "AnimeProgress.Web.Health", "AnimeProgress.Core.Tracking", "AnimeProgress.Core.ComfyUi",
                "AnimeProgress.Core.Hub"))
            .Because("who may do what is decided in one place that pages, previews, the API, the limits and the CLI ask; it must not depend on any of them")
            .Check(Value);
}
