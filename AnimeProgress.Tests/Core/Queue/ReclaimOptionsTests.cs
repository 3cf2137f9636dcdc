using AnimeProgress.Core.Queue;

namespace AnimeProgress.Tests.Core.Queue;

public sealed class ReclaimOptionsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.050")]
    [InlineData("-00:01:00")]
    [InlineData("1.00:00:01")]
    public void A_reclaim_time_out_of_range_is_refused_at_start_with_its_key(string value)
    {
        var result = new QueueOptionsValidator().Validate(null, new QueueOptions { ReclaimPendingAfter = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("AnimeProgress:Queue:ReclaimPendingAfter must be between 100 ms and 1 day", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_reclaim_time_is_a_few_minutes_and_valid()
    {
        var options = new QueueOptions();

        Assert.Equal(TimeSpan.FromMinutes(3), options.ReclaimPendingAfter);
        Assert.True(new QueueOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new QueueOptionsValidator().Validate(null, new QueueOptions { ReclaimPendingAfter = TimeSpan.FromMilliseconds(100) }).Succeeded);
    }
}
