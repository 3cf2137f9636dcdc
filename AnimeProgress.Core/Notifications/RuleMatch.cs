namespace AnimeProgress.Core.Notifications;

/// <summary>Whether a rule wants an event: its type is listed and every filter the rule sets holds.</summary>
public static class RuleMatch
{
    public static bool Matches(RuleOptions rule, NotificationEvent e)
    {
        if (!rule.EventTypes.Contains(e.Type))
        {
            return false;
        }

        if (rule.Owner is { Length: > 0 } owner && !(NotificationEventTypes.IsAboutAJob(e.Type) && Same(e.SubmittedBy, owner)))
        {
            return false;
        }

        return Holds(rule.Instance, e.Instance)
            && Holds(rule.Kind, e.Kind)
            && Holds(rule.Submitter, e.SubmittedBy)
            && (string.IsNullOrWhiteSpace(rule.Workflow)
                || Same(e.Workflow, rule.Workflow)
                || (e.JobTitle?.Contains(rule.Workflow, StringComparison.OrdinalIgnoreCase) ?? false));
    }

    private static bool Holds(string? filter, string? value) => string.IsNullOrWhiteSpace(filter) || Same(value, filter);

    private static bool Same(string? a, string? b) => a is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
