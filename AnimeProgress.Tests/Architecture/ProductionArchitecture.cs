using System.Reflection;
using ArchUnitNET.Loader;

namespace AnimeProgress.Tests.Architecture;

/// <summary>
/// The production assemblies as ArchUnitNET sees them, loaded once for every rule (loading is the slow part).
/// Types of assemblies not loaded here (the Bench, the test projects) still appear as dependency targets by name,
/// which is all the "must not depend on" rules need.
/// </summary>
internal static class ProductionArchitecture
{
    // Fully qualified: this test folder's namespace is called Architecture too.
    public static ArchUnitNET.Domain.Architecture Value { get; } = new ArchLoader()
        .LoadAssemblies(Load("AnimeProgress.Core"), Load("AnimeProgress.Web"), Load("AnimeProgress.ComfyUiEmulator"))
        .Build();

    // By name rather than through a type, so that moving a class never breaks the architecture tests.
    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    /// <summary>A namespace and everything below it, as a regular expression for the <c>...Matching</c> predicates.</summary>
    public static string AndBelow(params string[] namespaces) =>
        $@"^({string.Join('|', namespaces.Select(n => n.Replace(".", @"\.", StringComparison.Ordinal)))})(\..+)?$";
}
