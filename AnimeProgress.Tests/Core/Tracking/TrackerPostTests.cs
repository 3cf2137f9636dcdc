using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>Post never blocks its caller, even on a full channel, and nothing posted is lost or reordered.</summary>
public sealed class TrackerPostTests
{
    [Fact]
    public async Task Posting_to_a_full_channel_returns_at_once_and_every_command_is_folded_in_order()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
        var hub = new ProgressHub(time);
        using var tracker = TrackerHarness.NewTracker(hub, time, new TrackerOptions { QueueCapacity = 2 });

        // Nobody reads yet: the third post finds the channel full (the old Post blocked this thread for good).
        var posting = Task.Run(() =>
        {
            for (var id = 1; id <= 4; id++)
            {
                tracker.Post(new RegisterJob(id, new JobRegistration($"job {id}", JobKind.Image, "gpu-1", $"p{id}", Graphs.Txt2Img())));
            }

            tracker.Post(new SubmissionFailed(4, "refused"));
        }, TestContext.Current.CancellationToken);
        await posting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await tracker.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await Eventually.True(() => hub.Find(4)?.Status == JobStatus.Failed, what: "the failure folded after its registration");
            Assert.All(Enumerable.Range(1, 3), id => Assert.Equal(JobStatus.Queued, hub.Find(id)?.Status));
        }
        finally
        {
            await tracker.StopAsync(CancellationToken.None);
        }
    }
}
