using System.Text;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Api.WebSockets;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Api;

/// <summary>The session's subscription set and the frames it lets through, without a socket.</summary>
public sealed class WebSocketSubscriptionTests
{
    private static JobSnapshot Job(long id) => new() { Id = id, Title = $"Job {id}", Version = 1 };

    [Fact]
    public void Without_a_subscription_every_job_is_wanted_and_the_last_unsubscribe_returns_to_every_job()
    {
        var subscriptions = new JobSubscriptions(limit: 2);
        Assert.True(subscriptions.Wants(7));

        Assert.True(subscriptions.TryAdd(1));
        Assert.True(subscriptions.Wants(1));
        Assert.False(subscriptions.Wants(7));

        subscriptions.Remove(7);
        Assert.False(subscriptions.Wants(7));
        subscriptions.Remove(1);
        Assert.True(subscriptions.Wants(7));
    }

    [Fact]
    public void The_limit_refuses_a_new_job_but_not_one_already_followed()
    {
        var subscriptions = new JobSubscriptions(limit: 2);
        Assert.True(subscriptions.TryAdd(1));
        Assert.True(subscriptions.TryAdd(2));

        Assert.False(subscriptions.TryAdd(3));
        Assert.True(subscriptions.TryAdd(2));
        Assert.False(subscriptions.Wants(3));
    }

    [Fact]
    public void Update_frames_follow_the_subscriptions_as_they_are_when_each_frame_is_taken()
    {
        var subscriptions = new JobSubscriptions(limit: 10);
        var frames = new UpdateFrames(subscriptions, new SnapshotFrameCache(new FakeTimeProvider()));
        subscriptions.TryAdd(1);
        subscriptions.TryAdd(2);

        var sent = new List<string>();
        foreach (var frame in frames.For([Job(1), Job(2), Job(3)]))
        {
            sent.Add(Encoding.UTF8.GetString(frame));
            // An unsubscribe between two sends takes effect for the next job in the same batch.
            subscriptions.Remove(2);
        }

        Assert.Single(sent);
        Assert.Contains("\"id\":1", sent[0], StringComparison.Ordinal);
    }
}
