namespace AnimeProgress.TestSupport;

/// <summary>Waits for a condition on live state, with a generous bound for a loaded 2-core machine.</summary>
internal static class Eventually
{
    public static async Task<T> Get<T>(Func<T?> probe, TimeSpan? timeout = null, string? what = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("Timed out waiting for " + (what ?? "a condition"));
    }

    /// <summary>As <see cref="Get{T}(Func{T?}, TimeSpan?, string?)"/>, for a probe that reads a database or an API.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? what = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("Timed out waiting for " + (what ?? "a condition"));
    }

    public static async Task True(Func<bool> condition, TimeSpan? timeout = null, string? what = null) =>
        await Get(() => condition() ? "ok" : null, timeout, what);
}
