using System.Collections.Concurrent;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// Accounts whose sign-in this node saw change (sign-out, role, lockout), and when. The cookie check revalidates a
/// cookie issued before such a change at once instead of waiting out its interval, so the reload that follows an
/// ended circuit already sees the change. Entries are dropped once every older cookie is past the interval anyway.
/// </summary>
public sealed class RecentAccountChanges(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _changed = new(StringComparer.Ordinal);

    public void Changed(string userId) => _changed[userId] = time.GetUtcNow();

    /// <summary>Whether a cookie of <paramref name="userId"/> issued at <paramref name="issuedUtc"/> predates a change.</summary>
    public bool ChangedSince(string? userId, DateTimeOffset? issuedUtc) =>
        userId is not null && _changed.TryGetValue(userId, out var at) && (issuedUtc is null || issuedUtc <= at);

    /// <summary>Forgets changes older than <paramref name="age"/>: by then the usual revalidation catches every cookie.</summary>
    public void Forget(TimeSpan age)
    {
        var before = time.GetUtcNow() - age;
        foreach (var (user, at) in _changed)
        {
            if (at < before)
            {
                _changed.TryRemove(new KeyValuePair<string, DateTimeOffset>(user, at));
            }
        }
    }
}
