using AnimeProgress.Core.Cluster;

using AnimeProgress.Tests.Core.Settings;

namespace AnimeProgress.Tests.Core.Cluster;

public sealed class ClusterOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new ClusterOptionsValidator(), new ClusterOptions());

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(6)]
    public void A_lease_check_interval_outside_0_to_5_seconds_fails_naming_its_key(int seconds)
    {
        var options = new ClusterOptions { LeaseCheckInterval = TimeSpan.FromSeconds(seconds) };

        OptionsAssert.FailsNaming(new ClusterOptionsValidator(), options, "AnimeProgress:Cluster:LeaseCheckInterval");
    }
}
