using System.Text.RegularExpressions;

namespace AnimeProgress.Core.Queue;

/// <summary>The one spelling of labels: lower case letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, 1–32 characters, at most 16 on an instance.</summary>
public static partial class InstanceLabels
{
    public const int MaxLength = 32;
    public const int MaxCount = 16;

    /// <summary>The labels lower-cased, de-duplicated and sorted, or the sentence saying which one is wrong.</summary>
    public static (IReadOnlyList<string>? Labels, string? Error) Normalize(IEnumerable<string?> labels)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var text = label?.Trim().ToLowerInvariant() ?? "";
            if (!Pattern().IsMatch(text))
            {
                return (null, $"Label '{Shorten(label)}' is not allowed: use 1–{MaxLength} lower-case letters, digits, '-', '_' or '.'.");
            }

            result.Add(text);
        }

        return result.Count > MaxCount ? (null, $"At most {MaxCount} labels per instance or job.") : ([.. result], null);
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "…" : text;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
