using System.Globalization;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications;

/// <summary>The facts every channel shows for an event, as (label, value) pairs in one order: status, workflow, instance, duration, submitter, error.</summary>
public static class MessageFacts
{
    public static IReadOnlyList<(string Label, string Value)> Of(NotificationEvent e)
    {
        var facts = new List<(string, string)>();
        Add(facts, "Status", e.Status);
        Add(facts, "Workflow", e.Workflow is { Length: > 12 } w ? w[..12] : e.Workflow);
        Add(facts, "Instance", e.Instance);
        Add(facts, "Duration", e.DurationSeconds is { } seconds ? JobText.Duration(seconds) : null);
        Add(facts, "Submitted by", e.SubmittedBy);
        Add(facts, "Error", e.Error is { Length: > 300 } error ? error[..300] + "…" : e.Error);
        return facts;
    }

    /// <summary>One line for a digest's list: "Job completed: Key art 12 (gpu-1, 2m 5s)".</summary>
    public static string Line(NotificationEvent e)
    {
        var extra = string.Join(", ", new[] { e.Instance, e.DurationSeconds is { } s ? JobText.Duration(s) : null }.Where(x => x is not null));
        return extra.Length == 0 ? e.Title : $"{e.Title} ({extra})";
    }

    public static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static void Add(List<(string, string)> facts, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            facts.Add((label, value));
        }
    }
}
