namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>A job's place in a retry chain (issue 16 item 5): the job it retries, and the jobs that retried it, oldest first.</summary>
public sealed record RetryLinks(long? RetryOf, IReadOnlyList<long> RetriedAs)
{
    public static RetryLinks None { get; } = new(null, []);

    public bool IsEmpty => RetryOf is null && RetriedAs.Count == 0;
}
