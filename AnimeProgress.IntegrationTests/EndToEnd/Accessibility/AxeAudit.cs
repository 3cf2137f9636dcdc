using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace AnimeProgress.IntegrationTests.EndToEnd.Accessibility;

/// <summary>
/// Runs axe-core on a page as it stands and keeps the serious and critical violations, each as one readable line:
/// where (the audited page and viewport), the rule, the element's selector and axe's summary of what to fix.
/// </summary>
internal static class AxeAudit
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    /// <summary>Moderate in axe's eyes, but what lets a screen reader find its way: a main landmark, all content in
    /// landmarks, one h1 and headings in order. Held to the same bar.</summary>
    private static readonly HashSet<string> StructureRules = new(StringComparer.Ordinal)
    {
        "landmark-one-main", "region", "page-has-heading-one", "heading-order", "landmark-unique", "landmark-no-duplicate-main",
    };

    /// <summary>Only WCAG 2.x A/AA and best-practice rules: what an accessibility audit of a web app checks.</summary>
    private static readonly AxeRunOptions Options = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    };

    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(Options);
        var found = new List<string>();
        foreach (var violation in result.Violations.Where(v => (v.Impact is not null && Blocking.Contains(v.Impact)) || StructureRules.Contains(v.Id)))
        {
            foreach (var node in violation.Nodes)
            {
                found.Add($"{where}: [{violation.Impact}] {violation.Id} at {node.Target}: {violation.Help}. {Summary(node)}");
            }
        }

        return found;
    }

    /// <summary>The assertion message: every violation on its own line, so a failure in CI says what to fix.</summary>
    public static string Report(IReadOnlyCollection<string> violations)
    {
        var text = new StringBuilder().Append(violations.Count).AppendLine(" serious or critical accessibility violations:");
        foreach (var line in violations)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    // axe's own words for this element: which checks failed (any one of "Any" would pass; "All" and "None" must).
    private static string Summary(AxeResultNode node) =>
        string.Join(" ", new[] { node.Any, node.All, node.None }
            .Where(checks => checks is not null)
            .SelectMany(checks => checks)
            .Select(check => check.Message)
            .Where(message => !string.IsNullOrWhiteSpace(message)));
}
