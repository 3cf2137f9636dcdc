using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Tests.Core.ComfyUi;

public sealed class QueueStateTests
{
    private static QueueItem Item(string promptId) => new(0, promptId, null, null, []);

    [Fact]
    public void Positions_are_1_based_among_pending_prompts_and_the_running_one_has_none()
    {
        var queue = new QueueState([Item("run")], [.. Enumerable.Range(1, 10_000).Select(i => Item($"p{i}"))]);

        Assert.Equal(1, queue.PositionOf("p1"));
        Assert.Equal(10_000, queue.PositionOf("p10000"));
        Assert.Null(queue.PositionOf("run"));
        Assert.Null(queue.PositionOf("unknown"));
        Assert.True(queue.Contains("run"));
        Assert.True(queue.Contains("p5000"));
        Assert.False(queue.Contains("unknown"));
    }

    [Fact]
    public void A_prompt_listed_twice_keeps_its_first_place()
    {
        var queue = new QueueState([], [Item("a"), Item("b"), Item("a")]);

        Assert.Equal(1, queue.PositionOf("a"));
        Assert.Equal(2, queue.PositionOf("b"));
    }

    [Fact]
    public void The_position_index_is_not_part_of_the_value()
    {
        IReadOnlyList<QueueItem> pending = [Item("a")];
        var asked = new QueueState([], pending);
        var fresh = new QueueState([], pending);

        Assert.Equal(1, asked.PositionOf("a"));

        Assert.Equal(fresh, asked);
        Assert.Equal(fresh.GetHashCode(), asked.GetHashCode());
    }
}
