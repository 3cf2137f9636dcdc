using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Loops;

namespace AnimeProgress.Tests.Core.ComfyUi.Loops;

/// <summary>Every history entry is handed over exactly once, however many finished between two reads, in bounded memory.</summary>
public sealed class HistoryCursorTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A fake ComfyUI history: entries in completion order, answering "the newest N" as /history?max_items=N does.</summary>
    private sealed class FakeHistory
    {
        private readonly List<HistoryEntry> _entries = [];

        public List<int> Windows { get; } = [];

        public void Finish(string promptId, DateTimeOffset? at = null) =>
            _entries.Add(new HistoryEntry(promptId, HistoryOutcome.Success, null, null, at ?? Since.AddSeconds(1), at ?? Since.AddSeconds(2)));

        public void Clear() => _entries.Clear();

        public Task<IReadOnlyList<HistoryEntry>> ReadNewestAsync(int maxItems, CancellationToken cancellationToken)
        {
            Windows.Add(maxItems);
            return Task.FromResult<IReadOnlyList<HistoryEntry>>(_entries.Skip(Math.Max(0, _entries.Count - maxItems)).ToList());
        }
    }

    private static async Task<List<string>> ReadAsync(HistoryCursor cursor, FakeHistory history) =>
        [.. (await cursor.ReadNewAsync(history.ReadNewestAsync, TestContext.Current.CancellationToken)).Select(e => e.PromptId)];

    [Fact]
    public async Task Each_entry_is_reported_once_in_completion_order()
    {
        var history = new FakeHistory();
        var cursor = new HistoryCursor(8, 64, Since);
        history.Finish("a");
        history.Finish("b");

        Assert.Equal(["a", "b"], await ReadAsync(cursor, history));
        Assert.Empty(await ReadAsync(cursor, history));
        history.Finish("c");
        Assert.Equal(["c"], await ReadAsync(cursor, history));
    }

    [Fact]
    public async Task More_entries_than_the_window_since_the_last_read_widen_it_until_it_reaches_a_known_one()
    {
        var history = new FakeHistory();
        var cursor = new HistoryCursor(4, 64, Since);
        history.Finish("old");
        Assert.Equal(["old"], await ReadAsync(cursor, history));

        var burst = Enumerable.Range(0, 20).Select(i => $"fast-{i}").ToList();
        burst.ForEach(p => history.Finish(p));
        history.Windows.Clear();

        Assert.Equal(burst, await ReadAsync(cursor, history));
        Assert.Equal([4, 8, 16, 32], history.Windows);
    }

    [Fact]
    public async Task Entries_that_finished_before_watching_began_are_not_reported_and_stop_the_widening()
    {
        var history = new FakeHistory();
        for (var i = 0; i < 100; i++)
        {
            history.Finish($"yesterday-{i}", Since.AddDays(-1));
        }

        history.Finish("now");
        var cursor = new HistoryCursor(4, 1024, Since);

        Assert.Equal(["now"], await ReadAsync(cursor, history));
        Assert.Equal([4], history.Windows);
    }

    [Fact]
    public async Task A_restart_of_comfyui_that_empties_the_history_reports_the_new_entries()
    {
        var history = new FakeHistory();
        var cursor = new HistoryCursor(4, 64, Since);
        history.Finish("before");
        await ReadAsync(cursor, history);

        history.Clear();
        history.Finish("after-1");
        history.Finish("after-2");

        Assert.Equal(["after-1", "after-2"], await ReadAsync(cursor, history));
    }

    [Fact]
    public async Task A_failed_read_marks_nothing_seen()
    {
        var history = new FakeHistory();
        var cursor = new HistoryCursor(4, 64, Since);
        history.Finish("a");

        await Assert.ThrowsAsync<HttpRequestException>(() => cursor.ReadNewAsync((_, _) => throw new HttpRequestException("refused"), TestContext.Current.CancellationToken));

        Assert.Equal(["a"], await ReadAsync(cursor, history));
    }

    [Fact]
    public async Task Memory_stays_bounded_and_never_forgets_an_entry_a_read_can_still_return()
    {
        var history = new FakeHistory();
        var cursor = new HistoryCursor(16, 512, Since);
        var reported = new List<string>();
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                history.Finish($"p-{round}-{i}");
            }

            reported.AddRange(await ReadAsync(cursor, history));
        }

        Assert.Equal(10_000, reported.Count);
        Assert.Equal(10_000, reported.Distinct().Count());
        Assert.True(cursor.Remembered <= 1024, $"remembers {cursor.Remembered} ids");
    }

    [Fact]
    public async Task A_creation_ordered_source_with_a_total_still_finds_a_prompt_that_finished_behind_newer_ones()
    {
        // The job API lists newest-created first. "early" was created first but finished last, behind ten later prompts
        // that jumped the queue and were already reported: only the grown total says something new lies beyond the window.
        var created = new List<HistoryEntry>();
        void Add(string id) => created.Add(new HistoryEntry(id, HistoryOutcome.Success, null, null, Since.AddSeconds(1), Since.AddSeconds(2)));
        var finished = new HashSet<string>();
        var windows = new List<int>();
        Task<(IReadOnlyList<HistoryEntry>, int?)> Read(int window, CancellationToken _)
        {
            windows.Add(window);
            var done = created.Where(e => finished.Contains(e.PromptId)).Reverse().ToList();
            return Task.FromResult<(IReadOnlyList<HistoryEntry>, int?)>(([.. done.Take(window)], done.Count));
        }

        var cursor = new HistoryCursor(4, 64, Since);
        Add("early");
        for (var i = 0; i < 10; i++)
        {
            Add($"front-{i}");
            finished.Add($"front-{i}");
        }

        Assert.Equal(10, (await cursor.ReadNewCountedAsync(Read, TestContext.Current.CancellationToken)).Count);
        finished.Add("early");
        windows.Clear();

        Assert.Equal(["early"], (await cursor.ReadNewCountedAsync(Read, TestContext.Current.CancellationToken)).Select(e => e.PromptId));
        Assert.Equal([4, 8, 16], windows);
        Assert.Empty(await cursor.ReadNewCountedAsync(Read, TestContext.Current.CancellationToken));
    }
}
