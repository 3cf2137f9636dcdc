using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Tests.Core.Jobs;

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

public sealed class EtaRangeFormattingTests
{
    [Theory]
    [InlineData(300.0, 240.0, 360.0, "4–6 min")]
    [InlineData(60.0, 40.0, 85.0, "40–85 s")]
    [InlineData(300.0, 290.0, 310.0, "5m 0s")]
    [InlineData(7200.0, 6000.0, 9000.0, "1.6–2.5 h")]
    public void A_wide_range_shows_as_a_span_and_a_tight_one_as_the_point(double eta, double low, double high, string expected) =>
        Assert.Equal(expected, EtaFormatter.FormatRange(eta, low, high));

    [Fact]
    public void Without_an_estimate_the_range_is_a_dash() =>
        Assert.Equal("—", EtaFormatter.FormatRange(null, null, null));
}
