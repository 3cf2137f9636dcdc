namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// What the listener must read again: a changed job row (by id), a deleted one, an instance row (by name), or,
/// with neither, a catch-up read of everything active or recently changed.
/// </summary>
internal readonly record struct ListenerNotice(long? Id, string? Instance = null, bool Deleted = false)
{
    public static ListenerNotice CatchUp => new(null);
}
