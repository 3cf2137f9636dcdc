using AnimeProgress.Core.Persistence.WriteBehind;
using AnimeProgress.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Persistence.WriteBehind;

/// <summary>The mechanism every batched writer shares, against a sink that records, fails or stalls on demand.</summary>
public sealed class WriteBehindBufferTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private sealed record Item(string Key, int Version, bool Urgent = false, bool Keep = false);

    private sealed class RecordingSink : WriteBehindSink<string, Item>
    {
        public List<IReadOnlyList<Item>> Batches { get; } = [];

        public List<CancellationToken> Tokens { get; } = [];

        public Exception? FailWith { get; set; }

        public TaskCompletionSource? Stall { get; set; }

        public int Failures { get; private set; }

        public int Recoveries { get; private set; }

        public DateTimeOffset? DueAfter { get; set; }

        /// <summary>Keys whose items the "database" refuses (a non-transient failure of any batch holding one).</summary>
        public HashSet<string> Poison { get; } = [];

        public List<(Item Item, Exception Error)> Quarantine { get; } = [];

        public override int Capacity => 3;

        public override async Task WriteAsync(IReadOnlyList<Item> batch, CancellationToken cancellationToken)
        {
            Tokens.Add(cancellationToken);
            if (Stall is { } stall)
            {
                await stall.Task;
            }

            if (FailWith is { } failure)
            {
                throw failure;
            }

            if (batch.FirstOrDefault(i => Poison.Contains(i.Key)) is { } poison)
            {
                throw new ArgumentException($"value of {poison.Key} refused");
            }

            Batches.Add(batch);
        }

        public override IEnumerable<string> Evict(IReadOnlyDictionary<string, Item> waiting, int excess) =>
            waiting.Values.Where(i => !i.Keep).OrderBy(i => i.Version).Take(excess).Select(i => i.Key);

        public override bool IsUrgent(Item item) => item.Urgent;

        public override bool IsDue(Item item, DateTimeOffset now) => DueAfter is not { } at || now >= at;

        public override bool KeepFailedOver(Item failed, Item waiting) => waiting.Version < failed.Version;

        public override void Failed(Exception exception, int count) => Failures++;

        public override void Recovered(int count) => Recoveries++;

        public override void Quarantined(Item item, Exception exception) => Quarantine.Add((item, exception));
    }

    private static KeyValuePair<string, Item>[] Items(params Item[] items) => [.. items.Select(i => KeyValuePair.Create(i.Key, i))];

    [Fact]
    public async Task The_newest_item_per_key_waits_and_one_flush_writes_them_in_one_batch()
    {
        var sink = new RecordingSink();
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);

        Assert.False(buffer.Offer(Items(new Item("a", 1), new Item("b", 1))));
        Assert.True(buffer.Offer(Items(new Item("a", 2, Urgent: true))));
        Assert.Equal(2, buffer.Count);

        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);

        var batch = Assert.Single(sink.Batches);
        Assert.Equal([("a", 2), ("b", 1)], batch.Select(i => (i.Key, i.Version)).Order());
        Assert.Equal(0, buffer.Count);
        Assert.Null(buffer.LastError);
    }

    [Fact]
    public async Task A_flush_of_due_items_leaves_the_others_waiting()
    {
        var sink = new RecordingSink { DueAfter = _time.GetUtcNow().AddSeconds(1) };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        buffer.Offer(Items(new Item("a", 1)));

        await buffer.FlushAsync(dueOnly: true, TestContext.Current.CancellationToken);
        Assert.Empty(sink.Batches);
        Assert.Equal(1, buffer.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        await buffer.FlushAsync(dueOnly: true, TestContext.Current.CancellationToken);
        Assert.Single(sink.Batches);
    }

    [Fact]
    public async Task A_failed_batch_waits_again_is_reported_once_and_the_recovery_once()
    {
        var sink = new RecordingSink { FailWith = new TimeoutException("database away") };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        buffer.Offer(Items(new Item("a", 1)));

        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);
        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);
        Assert.Equal(("database away", 1, 1), (buffer.LastError, buffer.Count, sink.Failures));

        sink.FailWith = null;
        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);
        Assert.Equal((null, 0, 1), (buffer.LastError, buffer.Count, sink.Recoveries));
        Assert.Equal("a", Assert.Single(Assert.Single(sink.Batches)).Key);
    }

    [Fact]
    public async Task A_failed_item_gives_way_to_a_newer_one_offered_meanwhile_unless_the_sink_keeps_it()
    {
        var sink = new RecordingSink { FailWith = new IOException("cut"), Stall = new TaskCompletionSource() };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        buffer.Offer(Items(new Item("a", 5), new Item("b", 5)));

        var flush = buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);
        await Eventually.True(() => sink.Tokens.Count == 1, what: "the batch taken");
        // "a" is newer than what failed; "b" arrives with an older version, which the sink's rule overrules.
        buffer.Offer(Items(new Item("a", 6), new Item("b", 4)));
        sink.Stall.SetResult();
        await flush;

        Assert.Equal([("a", 6), ("b", 5)], buffer.NotYetWritten(_ => true).Select(i => (i.Key, i.Version)).Order());
    }

    [Fact]
    public async Task A_batch_being_written_is_still_visible_and_is_written_without_cancellation()
    {
        var sink = new RecordingSink { Stall = new TaskCompletionSource() };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        buffer.Offer(Items(new Item("a", 1)));
        using var shutdown = new CancellationTokenSource();

        var flush = buffer.FlushAsync(dueOnly: false, shutdown.Token);
        await Eventually.True(() => sink.Tokens.Count == 1, what: "the batch taken");
        await shutdown.CancelAsync();
        Assert.Equal(0, buffer.Count);
        Assert.Equal("a", Assert.Single(buffer.NotYetWritten(i => i.Key == "a")).Key);

        sink.Stall.SetResult();
        await flush;
        Assert.False(sink.Tokens[0].CanBeCanceled);
        Assert.Single(sink.Batches);
        Assert.Empty(buffer.NotYetWritten(_ => true));
    }

    [Fact]
    public void Beyond_capacity_the_sink_chooses_what_gives_way()
    {
        var sink = new RecordingSink();
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);

        buffer.Offer(Items(new Item("kept", 0, Keep: true), new Item("old", 1), new Item("mid", 2), new Item("new", 3), new Item("newest", 4)));

        Assert.Equal(3, buffer.Count);
        Assert.Equal(["kept", "new", "newest"], buffer.NotYetWritten(_ => true).Select(i => i.Key).Order());
        buffer.RemoveWhere((key, _) => key == "new");
        Assert.Equal(2, buffer.Count);
    }

    [Fact]
    public async Task The_timer_flushes_every_tick_and_pauses_after_a_failure()
    {
        var sink = new RecordingSink { FailWith = new TimeoutException() };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        using var stop = new CancellationTokenSource();
        var run = buffer.RunAsync(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), dueOnly: true, stop.Token);
        buffer.Offer(Items(new Item("a", 1)));

        _time.Advance(TimeSpan.FromMilliseconds(250));
        await Eventually.True(() => buffer.LastError is not null, what: "the first tick's attempt failed");
        // Let the loop note when it may retry before the clock moves on.
        await Task.Delay(100, TestContext.Current.CancellationToken);
        sink.FailWith = null;
        for (var i = 0; i < 7; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }

        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Single(sink.Tokens);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        await Eventually.True(() => sink.Batches.Count == 1, what: "the retry after the pause");

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task An_item_the_database_refuses_is_quarantined_and_the_rest_of_its_batch_and_later_writes_go_on()
    {
        var sink = new RecordingSink { Poison = { "bad" } };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        buffer.Offer(Items(new Item("a", 1), new Item("bad", 1), new Item("b", 1)));

        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);

        var (item, error) = Assert.Single(sink.Quarantine);
        Assert.Equal("bad", item.Key);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], sink.Batches.SelectMany(b => b).Select(i => i.Key).Order());
        Assert.All(sink.Batches, b => Assert.Single(b));
        Assert.Equal((0, null, 0), (buffer.Count, buffer.LastError, sink.Failures));
        Assert.Empty(buffer.NotYetWritten(_ => true));

        // Nothing waits behind it: the next batch is written whole.
        buffer.Offer(Items(new Item("a", 2), new Item("c", 1)));
        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);
        Assert.Equal([("a", 2), ("c", 1)], sink.Batches[^1].Select(i => (i.Key, i.Version)).Order());
        Assert.Single(sink.Quarantine);
    }

    [Fact]
    public async Task A_single_refused_item_is_quarantined_at_once()
    {
        var sink = new RecordingSink { Poison = { "bad" } };
        var buffer = new WriteBehindBuffer<string, Item>(sink, _time);
        buffer.Offer(Items(new Item("bad", 1)));

        await buffer.FlushAsync(dueOnly: false, TestContext.Current.CancellationToken);

        Assert.Equal("bad", Assert.Single(sink.Quarantine).Item.Key);
        Assert.Single(sink.Tokens);
        Assert.Equal(0, buffer.Count);
    }
}
