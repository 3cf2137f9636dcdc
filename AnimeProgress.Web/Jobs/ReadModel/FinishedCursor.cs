namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// Where a page of the history table ended, in its (completed_at, id) order: the next page starts after it. Reading
/// the page after a known row costs the same on page 1 and page 40,000, where OFFSET reads and drops every row before.
/// </summary>
public readonly record struct FinishedCursor(DateTimeOffset CompletedAt, long Id);
