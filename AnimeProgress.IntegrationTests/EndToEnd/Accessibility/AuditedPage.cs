namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// A page the accessibility tests open: its path (relative to the app's root) and a selector that is there only once
/// the page shows its live data, so axe checks the page a person sees rather than its loading state.
/// </summary>
/// <param name="Interactive">The page runs in the circuit (waits for the theme to be applied); false for the
/// statically rendered account and error pages.</param>
/// <param name="Route">The page's route template when it is not "/" + <paramref name="Path"/> (a path with an id in
/// it), so <see cref="EveryPageIsAuditedTests"/> can tell which of the app's routes the lists cover.</param>
public sealed record AuditedPage(string Name, string Path, string Ready, bool Interactive = true, string? Route = null)
{
    public string RouteTemplate => Route ?? "/" + Path;

    public override string ToString() => Name;
}
