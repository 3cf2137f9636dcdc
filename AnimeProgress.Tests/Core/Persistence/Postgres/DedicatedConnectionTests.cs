using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.Core.Resilience;
using AnimeProgress.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Persistence.Postgres;

/// <summary>
/// The reconnect loop under the LISTEN listener and the leader election, on SQLite connections (any
/// <see cref="System.Data.Common.DbConnection"/> will do) and a fake clock.
/// </summary>
public sealed class DedicatedConnectionTests
{
    private const string Unreachable = "Data Source=/nonexistent-folder/animeprogress.db;Mode=ReadWrite";
    private const string Reachable = "Data Source=:memory:";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    // Seeded: the delays are still jittered, but each test sees the same ones.
    private readonly ReconnectBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), new Random(7));

    [Fact]
    public async Task Failed_attempts_wait_out_the_backoff_on_the_time_provider()
    {
        var attempts = 0;
        var lost = new List<bool>();
        var connection = new DedicatedConnection<SqliteConnection>(
            () =>
            {
                Interlocked.Increment(ref attempts);
                return new SqliteConnection(Unreachable);
            },
            _backoff,
            _time);
        using var stop = new CancellationTokenSource();

        var run = connection.RunAsync((_, _) => Task.CompletedTask, (_, _) => Task.CompletedTask, (_, established) => lost.Add(established), stop.Token);
        await Eventually.True(() => attempts == 1, what: "the first attempt");
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(1, attempts);

        // The first delay is at most the initial one, the second at most twice that.
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => attempts == 2, what: "the second attempt after at most 1 s");
        await Task.Delay(100, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.True(() => attempts == 3, what: "the third attempt after at most 2 s");

        await stop.CancelAsync();
        await run;
        Assert.All(lost, established => Assert.False(established));
        Assert.Equal(0, connection.Sessions);
    }

    [Fact]
    public async Task A_lost_session_is_reported_as_such_and_the_next_attempt_starts_from_the_initial_delay()
    {
        var sessions = 0;
        var lost = new List<bool>();
        var connection = new DedicatedConnection<SqliteConnection>(() => new SqliteConnection(Reachable), _backoff, _time);
        using var stop = new CancellationTokenSource();

        var run = connection.RunAsync(
            (_, _) => Task.CompletedTask,
            (_, _) =>
            {
                Interlocked.Increment(ref sessions);
                throw new TimeoutException("the server stopped answering");
            },
            (_, established) => lost.Add(established),
            stop.Token);

        for (var i = 1; i <= 3; i++)
        {
            await Eventually.True(() => sessions == i, what: $"session {i}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
            // Every session was set up, so every pause is the first one: at most 1 s.
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await stop.CancelAsync();
        await run;
        Assert.True(lost.Count >= 3);
        Assert.All(lost, established => Assert.True(established));
        Assert.True(connection.Sessions >= 3);
    }

    [Fact]
    public async Task A_held_session_ends_quietly_when_cancelled()
    {
        var connection = new DedicatedConnection<SqliteConnection>(() => new SqliteConnection(Reachable), _backoff, _time);
        using var stop = new CancellationTokenSource();
        var held = false;

        var run = connection.RunAsync(
            (_, _) => Task.CompletedTask,
            async (_, ct) =>
            {
                held = true;
                await Task.Delay(Timeout.Infinite, ct);
            },
            (_, _) => Assert.Fail("nothing was lost"),
            stop.Token);
        await Eventually.True(() => held, what: "the session held");

        await stop.CancelAsync();
        await run;
        Assert.Equal(1, connection.Sessions);
    }

    [Fact]
    public async Task A_bug_in_the_session_is_not_retried()
    {
        var connection = new DedicatedConnection<SqliteConnection>(() => new SqliteConnection(Reachable), _backoff, _time);

        await Assert.ThrowsAsync<ArgumentException>(() => connection.RunAsync(
            (_, _) => Task.CompletedTask,
            (_, _) => throw new ArgumentException("a bug"),
            (_, _) => Assert.Fail("a bug is not a lost connection"),
            TestContext.Current.CancellationToken));
    }
}
