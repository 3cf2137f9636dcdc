namespace AnimeProgress.Core.Tracking;

/// <summary>Where new job ids come from: ids must never collide with rows anyone else writes.</summary>
public interface IJobIdSource
{
    /// <summary>
    /// A fresh id without waiting, for a caller that cannot await (a test driving the tracker synchronously); a source
    /// that needs a round trip may refuse when no id is at hand rather than block. The app uses <see cref="NextAsync"/>.
    /// </summary>
    long Next();

    /// <summary>A fresh id; a source that may need a database round trip awaits it here instead of blocking.</summary>
    ValueTask<long> NextAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Next());

    /// <summary>An id that exists already (a row read back, a row adopted); later ids must not repeat it.</summary>
    void Seen(long id);
}
