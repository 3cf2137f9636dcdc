using System.Globalization;

namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// Where a page of GET /api/jobs ended (keyset paging). The list is the hub's live jobs, newest first, then the stored
/// ones, newest first; the cursor names the part and the last id shown, so the next page is "ids below this one" in
/// that part, however deep it is. On the wire it is an opaque word: <c>l</c> or <c>s</c> and the id (<c>s981234</c>).
/// </summary>
public readonly record struct JobListCursor(bool InLive, long AfterId)
{
    public override string ToString() => (InLive ? "l" : "s") + AfterId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a cursor this API handed out; false for anything else.</summary>
    public static bool TryParse(string? text, out JobListCursor cursor)
    {
        cursor = default;
        if (text is not { Length: > 1 } || (text[0] != 'l' && text[0] != 's')
            || !long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new JobListCursor(text[0] == 'l', id);
        return true;
    }
}
