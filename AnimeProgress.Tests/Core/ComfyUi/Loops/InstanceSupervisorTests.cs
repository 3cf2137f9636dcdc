using System.Collections.Concurrent;
using AnimeProgress.Core.ComfyUi.Loops;
using AnimeProgress.Core.Resilience;
using AnimeProgress.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.ComfyUi.Loops;

/// <summary>A loop that throws is logged once with its instance, restarted after a backoff on the clock, and never stops the others.</summary>
public sealed class InstanceSupervisorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger _logger = new();

    [Fact]
    public async Task A_failing_loop_is_logged_once_and_restarted_after_its_backoff_while_the_others_run_on()
    {
        var flaky = new Loop("socket", failures: 1, _time);
        var steady = new Loop("queue", failures: 0, _time);
        var supervisor = new InstanceSupervisor(
            "gpu-1", [flaky, steady], new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), _time, _logger);
        using var stop = new CancellationTokenSource();

        var running = supervisor.RunAsync(stop.Token);
        await Eventually.True(() => flaky.Runs == 1 && _logger.Errors.Count == 1, what: "the failure logged");
        await Eventually.True(
            () =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(50));
                return flaky.Runs == 2;
            },
            what: "the loop restarted");

        // The first backoff is 0.5 to 1 s on the supervisor's clock (the fake one: no real waiting).
        var pause = flaky.StartedAt[1] - flaky.StartedAt[0];
        Assert.InRange(pause, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1100));
        Assert.Equal(1, steady.Runs);
        Assert.False(running.IsCompleted);

        await stop.CancelAsync();
        await running;

        var error = Assert.Single(_logger.Errors);
        Assert.Equal("gpu-1", error.State["Instance"]);
        Assert.Equal("socket", error.State["Loop"]);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }

    [Fact]
    public async Task Cancelling_stops_every_loop_quietly()
    {
        var supervisor = new InstanceSupervisor(
            "gpu-1", [new Loop("a", 0, _time), new Loop("b", 0, _time)], new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), _time, _logger);
        using var stop = new CancellationTokenSource();

        var running = supervisor.RunAsync(stop.Token);
        await stop.CancelAsync();
        await running;

        Assert.Empty(_logger.Errors);
    }

    [Fact]
    public async Task A_failing_loop_makes_the_instance_degraded_in_plain_words_until_it_has_run_healthy_again()
    {
        var reports = new ConcurrentQueue<string?>();
        var flaky = new Loop("queue", failures: 2, _time);
        var supervisor = new InstanceSupervisor(
            "gpu-1",
            [flaky, new Loop("socket", failures: 0, _time)],
            new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
            _time,
            _logger,
            (reason, _) =>
            {
                reports.Enqueue(reason);
                return ValueTask.CompletedTask;
            },
            healthyAfter: TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource();

        var running = supervisor.RunAsync(stop.Token);
        await Eventually.True(() => reports.Count == 1, what: "the first failure reported");
        Assert.Equal("Its queue loop failed once and is being restarted.", reports.Single());
        await Eventually.True(
            () =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                return flaky.Runs == 3;
            },
            what: "two restarts");
        var degraded = reports.ToArray();
        Assert.Equal(2, degraded.Length);
        Assert.Equal("Its queue loop failed 2 times in a row and is being restarted.", degraded[1]);
        Assert.DoesNotContain(degraded, r => r!.Contains("boom", StringComparison.Ordinal));

        // The third run keeps going: after the healthy period the instance is reported recovered.
        await Eventually.True(
            () =>
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                return reports.Count == 3;
            },
            what: "recovery reported");
        Assert.Null(reports.Last());

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_loop_that_throws_before_its_first_await_is_supervised_too()
    {
        var reports = new ConcurrentQueue<string?>();
        var supervisor = new InstanceSupervisor(
            "gpu-1", [new ThrowingAtOnce()], new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), _time, _logger,
            (reason, _) =>
            {
                reports.Enqueue(reason);
                return ValueTask.CompletedTask;
            });
        using var stop = new CancellationTokenSource();

        var running = supervisor.RunAsync(stop.Token);
        await Eventually.True(() => !reports.IsEmpty, what: "the failure reported, not thrown");
        Assert.False(running.IsFaulted);
        await stop.CancelAsync();
        await running;
    }

    private sealed class ThrowingAtOnce : IInstanceLoop
    {
        public string Name => "vram";

        public Task RunAsync(CancellationToken cancellationToken) => throw new ArgumentException("synchronous");
    }

    private sealed class Loop(string name, int failures, TimeProvider time) : IInstanceLoop
    {
        private readonly ConcurrentQueue<DateTimeOffset> _started = new();

        public string Name => name;

        public int Runs => _started.Count;

        public IReadOnlyList<DateTimeOffset> StartedAt => [.. _started];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            _started.Enqueue(time.GetUtcNow());
            if (_started.Count <= failures)
            {
                await Task.Yield();
                throw new InvalidOperationException("boom");
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Errors => [.. _entries.Where(e => e.Level == LogLevel.Error)];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value)
                : [];
            _entries.Enqueue(new Entry(logLevel, properties, exception));
        }

        internal sealed record Entry(LogLevel Level, Dictionary<string, object?> State, Exception? Exception);
    }
}
