using System.Text.Json.Nodes;
using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// The priority of a job submitted without one (issue 16 item 3): its workflow's configured default, else its
/// submitter's, else 0. A workflow is named by its key (node types and links, not seeds or prompts), so every run of a
/// pipeline gets the same default; operators find the key in the history's per-workflow figures.
/// </summary>
public static class DefaultPriority
{
    private const int ShownKeyLength = 8;

    public static int For(QueueOptions options, JsonObject workflow, string? submitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.WorkflowPriorities.Count > 0 && WorkflowKey.Compute(workflow) is { } key)
        {
            // The longest configured prefix wins, so a full key can override a shorter one.
            var match = options.WorkflowPriorities.Where(p => key.StartsWith(p.Key, StringComparison.OrdinalIgnoreCase)).OrderByDescending(p => p.Key.Length).FirstOrDefault();
            if (match.Key is not null)
            {
                return match.Value;
            }
        }

        return submitter is not null && options.SubmitterPriorities.TryGetValue(submitter, out var priority) ? priority : 0;
    }

    /// <summary>A workflow key or its shown prefix: 8 to 16 hex characters.</summary>
    public static bool IsWorkflowKeyPrefix(string text) =>
        text.Length is >= ShownKeyLength and <= 16 && text.All(char.IsAsciiHexDigit);
}
