namespace AnimeProgress.Core.Boundary;

/// <summary>Cuts text from outside to a length, visibly: the reader sees that something was cut and how much.</summary>
public static class BoundedText
{

    /// <summary>The text itself when it fits; otherwise its start and a marker saying how long it was, within <paramref name="maxLength"/>.</summary>
    public static string? Cap(string? text, int maxLength)
    {
        if (text is null || text.Length <= maxLength)
        {
            return text;
        }

        var marker = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"… [cut, {text.Length} characters in all]");
        if (marker.Length >= maxLength)
        {
            return text[..maxLength];
        }

        var keep = maxLength - marker.Length;
        // Never split a surrogate pair: a lone half is not valid text for the database or the browser.
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), marker);
    }
}
