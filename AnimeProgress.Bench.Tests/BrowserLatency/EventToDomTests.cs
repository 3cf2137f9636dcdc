using AnimeProgress.Bench.BrowserLatency;

namespace AnimeProgress.Bench.Tests.BrowserLatency;

/// <summary>How browser-latency pairs a ComfyUI message with the screen change that showed it.</summary>
public sealed class EventToDomTests
{
    [Fact]
    public void A_message_is_shown_by_the_first_change_of_its_own_instances_card_before_its_next_message()
    {
        ProgressSent[] sent =
        [
            new("gpu-1", 1, 1_000), new("gpu-1", 2, 2_000), new("gpu-1", 3, 3_000),
            new("gpu-2", 1, 1_500),
        ];
        DomChange[] changes =
        [
            new("gpu-2 (external)", 1_010), // gpu-2's card: not gpu-1's
            new("gpu-1", 1_020), new("gpu-1", 1_050), // the second change of the same step does not count again
            // step 2 of gpu-1 is never shown before step 3 arrives
            new("gpu-1", 3_007),
            new("gpu-2 (external)", 1_530),
        ];

        var (latencies, unseen) = EventToDom.Match(sent, changes, ["gpu-1", "gpu-2"]);

        Assert.Equal([20, 7, 30], latencies.Select(l => Math.Round(l)));
        Assert.Equal(1, unseen);
    }

    [Fact]
    public void A_change_before_the_message_or_more_than_two_seconds_after_it_does_not_show_it()
    {
        var (latencies, unseen) = EventToDom.Match([new ProgressSent("gpu-1", 1, 10_000)], [new DomChange("gpu-1", 9_999), new DomChange("gpu-1", 12_001)], ["gpu-1"]);

        Assert.Empty(latencies);
        Assert.Equal(1, unseen);
    }
}
