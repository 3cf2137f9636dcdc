using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Tests.Core;

public sealed class EtaFormatterTests
{
    [Theory]
    [InlineData(145.0, "2m 25s")]
    [InlineData(59.4, "59s")]
    [InlineData(0.0, "0s")]
    [InlineData(3600.0, "1h 0m")]
    [InlineData(7385.0, "2h 3m")]
    [InlineData(60.0, "1m 0s")]
    public void Formats_seconds_the_way_the_seed_clients_show_them(double seconds, string expected) =>
        Assert.Equal(expected, EtaFormatter.Format(seconds));

    [Theory]
    [InlineData(null)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Unknown_or_impossible_durations_show_a_dash(double? seconds) =>
        Assert.Equal("—", EtaFormatter.Format(seconds));
}
